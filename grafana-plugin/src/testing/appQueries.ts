// Test helpers: build every page (and drill-down) of the app and list every query it can issue.
// Used by the page tests, the catalog-name test and the live PromQL test; pages added to the
// registry are covered without touching the tests.
import {
  SceneAppPage,
  SceneQueryRunner,
  sceneGraph,
  type EmbeddedScene,
  type SceneObject,
  type SceneRouteMatch,
} from '@grafana/scenes';
import { pulsePages } from '../pages/registry';
import { pageUrl } from '../scenes/page';
import { DEFAULT_SETTINGS, type ResolvedSettings } from '../settings';
import { VAR } from '../queries/variables';
import { ERRORS_VAR } from '../queries/errors';

/** Drill-down URL params used when building drill-down pages in tests (extend for new drill-downs). */
export const SAMPLE_PARAMS: Record<string, string> = {
  route: '/users/:id',
  fingerprint: '0123456789abcdef',
};

export interface BuiltPage {
  /** `overview`, `routes/:route`… */
  name: string;
  page: SceneAppPage;
  scene: EmbeddedScene;
}

function match(url: string, params: Record<string, string> = {}): SceneRouteMatch {
  return { params, isExact: true, path: url, url };
}

/** Every page of the registry and each of its drill-downs, built with sample params. */
export function buildAllPages(
  settings: ResolvedSettings = DEFAULT_SETTINGS,
  params: Record<string, string> = SAMPLE_PARAMS
): BuiltPage[] {
  const out: BuiltPage[] = [];
  for (const def of pulsePages) {
    const page = def.build({ settings });
    out.push({ name: def.id, page, scene: page.getScene(match(pageUrl(def.id))) });
    for (const drilldown of page.state.drilldowns ?? []) {
      const names = [...drilldown.routePath.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      const dParams = Object.fromEntries(names.map((n) => [n, params[n] ?? `sample-${n}`]));
      const child = drilldown.getPage(match(pageUrl(def.id), dParams), page) as SceneAppPage;
      out.push({
        name: `${def.id}/${drilldown.routePath}`,
        page: child,
        scene: child.getScene(match(child.state.url)),
      });
    }
  }
  return out;
}

export interface IssuedQuery {
  page: string;
  /** Title of the panel (or banner) the query feeds. */
  panel: string;
  datasource: 'prometheus' | 'loki';
  refId: string;
  expr: string;
  instant: boolean;
  exemplar: boolean;
  /** Grafana's legend template (`{{instance}} {{worker}}`), when the query has one. */
  legendFormat?: string;
}

function ownerTitle(obj: SceneObject): string {
  for (let o: SceneObject | undefined = obj.parent; o; o = o.parent) {
    const title = (o.state as { title?: unknown }).title;
    if (typeof title === 'string') {
      return title;
    }
  }
  return '(untitled)';
}

/** Every query a built scene's SceneQueryRunners would send, with the data source kind they target. */
export function queriesOf(built: BuiltPage): IssuedQuery[] {
  const runners = sceneGraph.findAllObjects(built.scene, (o) => o instanceof SceneQueryRunner) as SceneQueryRunner[];
  return runners.flatMap((runner) => {
    const ds = runner.state.datasource;
    const kind =
      ds?.uid === `\${${VAR.prometheus}}` ? 'prometheus' : ds?.uid === `\${${VAR.loki}}` ? 'loki' : undefined;
    if (!kind) {
      throw new Error(`${built.name}: a query runner uses data source ${JSON.stringify(ds)}, not the page's variables`);
    }
    return runner.state.queries.map((q) => {
      const legendFormat = (q as { legendFormat?: unknown }).legendFormat;
      return {
        page: built.name,
        panel: ownerTitle(runner),
        datasource: kind,
        refId: q.refId,
        expr: String((q as { expr?: unknown }).expr),
        instant: Boolean((q as { instant?: unknown }).instant),
        exemplar: Boolean((q as { exemplar?: unknown }).exemplar),
        ...(typeof legendFormat === 'string' && { legendFormat }),
      };
    });
  });
}

export function allIssuedQueries(pages: BuiltPage[] = buildAllPages()): IssuedQuery[] {
  return pages.flatMap(queriesOf);
}

/** Concrete values for every template variable the app uses, as Grafana would interpolate them. */
export const SAMPLE_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __range: '5m',
  __interval: '15s',
  __auto: '1m',
  [VAR.service]: 'demo',
  [VAR.instance]: '.*',
  [VAR.env]: '.*',
  // Grafana's interpolation of the hidden instance-id list ("all ids of the selected instances").
  [VAR.instanceId]: '(web-1:101|web-2:202)',
  search: '',
  // Route detail's method picker ("All").
  method: '.*',
  // Errors page filters ("All").
  [ERRORS_VAR.type]: '.*',
  [ERRORS_VAR.route]: '.*',
};

/**
 * Substitutes `$name`, `${name}` and `${name:format}`; an unknown variable throws, so a query
 * using a variable the app does not define cannot slip through.
 */
export function interpolate(expr: string, values: Record<string, string> = SAMPLE_VARIABLES): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = values[name];
    if (value === undefined) {
      throw new Error(`unknown template variable $${name} in ${expr}`);
    }
    return value;
  });
}
