/**
 * The generated dashboards: committed JSON is what the generator writes, every dashboard and
 * panel validates against the Grafana schemas in vendor/schemas, data sources come from variables
 * (never `${DS_…}` import inputs), every variable an expression uses is declared, links go to the
 * app's pages and to Pulse dashboards, every PromQL parses in real Prometheus and every LogQL
 * parses with @grafana/lezer-logql. Live data: live-queries.test.ts.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import fs from 'node:fs';
import path from 'node:path';
import { startPrometheus, type PrometheusHandle } from '../../exporter/test/support/prometheus';
import { GENERATED_NOTE } from '../src/dashboards/dashboard';
import { DATASOURCE_VARIABLES } from '../src/dashboards/panels';
import { APP_BASE_PATH, APP_PAGES, DASHBOARD_TAG, DASHBOARD_UIDS, DATASOURCE_UIDS } from '../src/names';
import { DASHBOARDS_DIR, generateOutputs } from '../src/outputs';
import { promql } from '../src/queries';
import { GRAFANA_BUILTINS, interpolate, panelsOf, queriesOf, variableRefs, type AnyPanel } from './support/dashboards';
import { ROOT } from './support/repo';
import { dashboardValidator, describeErrors } from './support/schemas';

const outputs = generateOutputs();
const dashboardFiles = Object.keys(outputs).filter((f) => f.startsWith(`${DASHBOARDS_DIR}/`));
const committed: Dashboard[] = fs
  .readdirSync(path.join(ROOT, DASHBOARDS_DIR))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, DASHBOARDS_DIR, f), 'utf8')) as Dashboard);

/** Values Grafana would substitute, for parsing only. */
const PARSE_VALUES: Record<string, string> = {
  job: 'demo',
  instance: 'demo:3000',
  instance_id: 'demo-host:4242',
  __rate_interval: '1m',
  __range: '1h',
  __auto: '1m',
  __interval: '15s',
};

const byUid = (uid: string): Dashboard => committed.find((d) => d.uid === uid)!;
const cases = committed.map((d) => [d.uid!, d] as const);

describe('generated dashboards', () => {
  it('are up to date with provisioning/src (run `npm run generate -w provisioning` after a change)', () => {
    for (const file of dashboardFiles) {
      expect({ file, content: fs.readFileSync(path.join(ROOT, file), 'utf8') }).toEqual({
        file,
        content: outputs[file],
      });
    }
    // No stale JSON left behind in the provisioned folder.
    expect(committed.map((d) => `${DASHBOARDS_DIR}/${d.uid}.json`).sort()).toEqual([...dashboardFiles].sort());
  });

  it('are exactly the six Pulse dashboards, each with its fixed uid, the pulse tag and the generator note', () => {
    expect(committed.map((d) => d.uid).sort()).toEqual(Object.values(DASHBOARD_UIDS).sort());
    for (const d of committed) {
      expect({ uid: d.uid, tags: d.tags }).toEqual({ uid: d.uid, tags: [DASHBOARD_TAG] });
      expect(d.description).toContain(GENERATED_NOTE);
      expect(d.id ?? null).toBeNull(); // Grafana assigns ids; a fixed one would clash across instances
    }
  });
});

describe.each(cases)('%s', (uid, dashboard) => {
  const panels = panelsOf(dashboard);
  const variables = dashboard.templating?.list ?? [];
  const variableNames = new Set(variables.map((v) => v.name));

  it('validates against the Grafana dashboard schema', () => {
    const validate = dashboardValidator('dashboard.jsonschema.json')!;
    expect(validate(dashboard) ? '' : describeErrors(validate)).toBe('');
    // The check can fail: the same dashboard with a malformed panel list does not validate.
    expect(validate({ ...dashboard, panels: [{ type: 'timeseries', gridPos: 'top-left' }] })).toBe(false);
  });

  it("validates each panel's options, field config and queries against its kind's schema", () => {
    const checked: string[] = [];
    for (const p of panels.filter((x) => x.type !== 'row')) {
      const kind = p.type.replace(/-/g, ''); // state-timeline → statetimeline.jsonschema.json
      const check = (ref: string, value: unknown) => {
        const validate = dashboardValidator(ref);
        if (!validate) throw new Error(`no schema ${ref} for panel "${p.title}"`);
        expect({ panel: p.title, ref, errors: validate(value) ? '' : describeErrors(validate) }).toEqual({
          panel: p.title,
          ref,
          errors: '',
        });
        checked.push(ref);
      };
      check(`${kind}.jsonschema.json#/definitions/Options`, p.options ?? {});
      const custom = (p.fieldConfig?.defaults as { custom?: unknown } | undefined)?.custom;
      if (custom !== undefined && dashboardValidator(`${kind}.jsonschema.json#/definitions/FieldConfig`)) {
        check(`${kind}.jsonschema.json#/definitions/FieldConfig`, custom);
      }
      for (const t of (p as AnyPanel).targets ?? []) {
        check(
          t.datasource?.type === 'loki'
            ? 'loki.jsonschema.json#/definitions/dataquery'
            : 'prometheus.jsonschema.json#/definitions/Dataquery',
          t,
        );
      }
    }
    expect(checked.length).toBeGreaterThan(panels.length);
  });

  it('takes its data sources from data source variables that default to the provisioned uids', () => {
    const json = JSON.stringify(dashboard);
    expect(json).not.toMatch(/\$\{DS_[A-Z_]+\}/);
    expect(dashboard).not.toHaveProperty('__inputs');
    const dsVars = variables.filter((v) => v.type === 'datasource');
    for (const v of dsVars) {
      const source = v.query as keyof typeof DATASOURCE_UIDS;
      expect({ name: v.name, current: v.current?.value }).toEqual({
        name: DATASOURCE_VARIABLES[source as 'prometheus'],
        current: DATASOURCE_UIDS[source],
      });
    }
    for (const p of panels.filter((x) => x.type !== 'row')) {
      const refs = [p.datasource, ...((p as AnyPanel).targets ?? []).map((t) => t.datasource)];
      for (const ref of refs) {
        const variable = dsVars.find((v) => ref?.uid === `\${${v.name}}`);
        expect({ panel: p.title, ref, declared: variable?.query === ref?.type }).toEqual({
          panel: p.title,
          ref,
          declared: true,
        });
      }
    }
    // Label variables query Prometheus through the data source variable too.
    for (const v of variables.filter((x) => x.type === 'query')) {
      expect(v.datasource).toEqual({ type: 'prometheus', uid: `\${${DATASOURCE_VARIABLES.prometheus}}` });
    }
  });

  it('declares every variable its queries and links use', () => {
    const used = new Set<string>();
    for (const q of queriesOf(dashboard)) for (const r of variableRefs(q.expr)) used.add(r);
    for (const v of variables.filter((x) => x.type === 'query'))
      for (const r of variableRefs(String(v.query))) used.add(r);
    const undeclared = [...used].filter((r) => !variableNames.has(r) && !GRAFANA_BUILTINS.includes(r));
    expect(undeclared).toEqual([]);
    // And every label variable is used somewhere (a dangling filter would silently do nothing).
    const unused = variables.filter((v) => v.type === 'query' && !used.has(v.name)).map((v) => v.name);
    expect(unused).toEqual([]);
  });

  it('links to its app page, the other Pulse dashboards, and app pages from its panels', () => {
    const links = dashboard.links ?? [];
    const appLinks = links.filter((l) => l.type === 'link').map((l) => l.url);
    expect(appLinks).toHaveLength(1);
    expect(links.filter((l) => l.type === 'dashboards').map((l) => l.tags)).toEqual([[DASHBOARD_TAG]]);
    const dataLinks = panels.flatMap((p) =>
      ((p.fieldConfig?.defaults as { links?: Array<{ url: string }> })?.links ?? []).map((l) => l.url),
    );
    for (const url of [...appLinks, ...dataLinks]) {
      const page = url!.startsWith(`${APP_BASE_PATH}/`)
        ? url!.slice(APP_BASE_PATH.length + 1).split(/[/?]/)[0]
        : undefined;
      expect({ url, knownAppPage: APP_PAGES.includes(page as never) }).toEqual({ url, knownAppPage: true });
    }
  });

  it('gives every panel a unique id, a title and a description', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels.filter((x) => x.type !== 'row')) {
      expect({ title: p.title, described: (p.description ?? '').length > 10 }).toEqual({
        title: p.title,
        described: true,
      });
    }
  });

  it('LogQL parses with @grafana/lezer-logql', () => {
    const logs = queriesOf(dashboard).filter((q) => q.source === 'loki');
    if (uid === DASHBOARD_UIDS.errors) expect(logs.length).toBeGreaterThan(5);
    for (const q of logs) {
      const concrete = interpolate(q.expr, PARSE_VALUES);
      const errors: number[] = [];
      logqlParser.parse(concrete).iterate({ enter: (n) => void (n.type.isError && errors.push(n.from)) });
      expect({ panel: q.panel, query: concrete, errors }).toEqual({ panel: q.panel, query: concrete, errors: [] });
    }
  });
});

describe('PromQL in the dashboards, on real Prometheus', () => {
  let prom: PrometheusHandle;
  beforeAll(async () => {
    prom = await startPrometheus({ targets: [] });
  }, 60_000);
  afterAll(() => prom?.stop());

  const promQueries = committed.flatMap(queriesOf).filter((q) => q.source === 'prometheus');

  it('every dashboard has at least four PromQL queries', () => {
    for (const d of committed) {
      const n = promQueries.filter((q) => q.dashboard === d.uid).length;
      expect({ uid: d.uid, enough: n >= 4 }).toEqual({ uid: d.uid, enough: true });
    }
  });

  it('every query parses (Prometheus 2.42 is the strictest engine users run)', async () => {
    const failures: string[] = [];
    for (const q of promQueries) {
      const concrete = interpolate(q.expr, PARSE_VALUES);
      await prom
        .formatQuery(concrete)
        .catch((e: Error) => failures.push(`${q.dashboard} / ${q.panel}: ${e.message}\n  ${concrete}`));
    }
    expect(failures).toEqual([]);
  });

  it('the check can fail: a broken query is rejected', async () => {
    await expect(prom.formatQuery(`${interpolate(promQueries[0]!.expr, PARSE_VALUES)} by`)).rejects.toThrow();
  });

  it('probe panels read the blackbox metric names the alert rules use', () => {
    const probes = queriesOf(byUid(DASHBOARD_UIDS.probes))
      .map((q) => q.expr)
      .join('\n');
    for (const name of Object.values(promql.BLACKBOX_METRICS)) expect(probes).toContain(name);
  });
});
