import { SceneRefreshPicker, SceneTimePicker, VariableValueSelectors, sceneGraph } from '@grafana/scenes';
import pluginJson from '../plugin.json';
import { VAR } from '../queries/variables';
import { buildAllPages, queriesOf } from '../testing/appQueries';
import { pulsePages } from './registry';

const COMMON_VARIABLES = [VAR.prometheus, VAR.loki, VAR.env, VAR.service, VAR.instance];
const pages = buildAllPages({ prometheusUid: 'prom-uid', lokiUid: 'loki-uid' });

describe('every page and drill-down', () => {
  it('includes Overview, Routes, Route detail and Runtime', () => {
    expect(pages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['overview', 'routes', 'routes/:route/*', 'runtime'])
    );
  });

  it.each(pages.map((p) => [p.name, p] as const))(
    '%s builds with the common variables, pickers and queries',
    (_n, built) => {
      const { scene } = built;
      const names = sceneGraph.getVariables(scene).state.variables.map((v) => v.state.name);
      expect(names.slice(0, COMMON_VARIABLES.length)).toEqual(COMMON_VARIABLES);
      const controls = scene.state.controls ?? [];
      expect(controls.some((c) => c instanceof VariableValueSelectors)).toBe(true);
      expect(controls.some((c) => c instanceof SceneTimePicker)).toBe(true);
      expect(controls.some((c) => c instanceof SceneRefreshPicker)).toBe(true);
      expect(scene.state.$timeRange).toBeDefined();
      expect(queriesOf(built).length).toBeGreaterThan(0);
    }
  );

  it('data source variables default to the configured uids', () => {
    const vars = sceneGraph.getVariables(pages[0]!.scene);
    expect(vars.getByName(VAR.prometheus)?.getValue()).toBe('prom-uid');
    expect(vars.getByName(VAR.loki)?.getValue()).toBe('loki-uid');
  });

  it('pages keep time range and variables in the URL when the user moves between them', () => {
    for (const { page } of pages) {
      expect(page.state.preserveUrlKeys).toEqual(
        expect.arrayContaining(['from', 'to', ...COMMON_VARIABLES.map((v) => `var-${v}`)])
      );
    }
  });

  it('latency panels ask for exemplars', () => {
    const exemplarPanels = pages.flatMap(queriesOf).filter((q) => q.exemplar);
    expect(exemplarPanels.map((q) => `${q.page}: ${q.panel}`)).toEqual(
      expect.arrayContaining(['overview: Latency', 'routes/:route/*: Latency percentiles'])
    );
  });
});

describe('page registry and plugin.json nav', () => {
  it('every registered page has a nav entry and every app page entry has a registered page', () => {
    const navPaths = pluginJson.includes
      .filter((i) => i.type === 'page' && i.path.startsWith('/a/%PLUGIN_ID%/'))
      .map((i) => i.path.replace('/a/%PLUGIN_ID%/', ''));
    expect(navPaths.sort()).toEqual(pulsePages.map((p) => p.id).sort());
  });

  it('page ids are unique', () => {
    expect(new Set(pulsePages.map((p) => p.id)).size).toBe(pulsePages.length);
  });
});
