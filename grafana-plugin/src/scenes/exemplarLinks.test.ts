import {
  DataTopic,
  FieldType,
  LoadingState,
  PanelPlugin,
  getDefaultTimeRange,
  toDataFrame,
  transformDataFrame,
  type DataFrame,
  type PanelData,
} from '@grafana/data';
import { setPluginImportUtils } from '@grafana/runtime';
import { SceneDataTransformer, VizPanel, sceneGraph, type QueryVariable } from '@grafana/scenes';
import { firstValueFrom } from 'rxjs';
import { VAR } from '../queries/variables';
import { buildAllPages } from '../testing/appQueries';
import { logqlNames } from '../testing/names';
import { EXEMPLAR_LINK_TITLE, EXEMPLAR_WINDOW_MS, exemplarEventsUrl, withExemplarLinks } from './exemplarLinks';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T = Date.parse('2026-11-20T10:00:00Z');

/** An exemplar frame as Grafana's Prometheus data source returns it (result_transformer.ts transformV2). */
function exemplarFrame(traceId = TRACE, extra: Record<string, string> = {}): DataFrame {
  const frame = toDataFrame({
    name: 'exemplar',
    refId: 'p95',
    meta: { dataTopic: DataTopic.Annotations, custom: { resultType: 'exemplar' } },
    fields: [
      { name: 'Time', type: FieldType.time, values: [T] },
      { name: 'Value', type: FieldType.number, values: [0.42] },
      { name: '__name__', type: FieldType.string, values: ['http_server_request_duration_seconds_bucket'] },
      { name: 'http_route', type: FieldType.string, values: ['/users/:id'] },
      { name: 'instance', type: FieldType.string, values: ['checkout:9464'] },
      { name: 'job', type: FieldType.string, values: ['checkout'] },
      { name: 'le', type: FieldType.string, values: ['0.5'] },
      { name: 'trace_id', type: FieldType.string, values: [traceId] },
      ...Object.entries(extra).map(([name, v]) => ({ name, type: FieldType.string, values: [v] })),
    ],
  });
  return frame;
}

// The panel plugin registry is Grafana's (not in the app bundle): a timeseries plugin with no
// field config of its own lets VizPanel load; applyFieldConfig itself is the real Scenes code.
// Like Grafana's timeseries panel (module.tsx: setDataSupport({ annotations: true, alertStates: true })).
const timeseries = new PanelPlugin(() => null).setDataSupport({ annotations: true, alertStates: true });
timeseries.meta = {
  ...timeseries.meta,
  id: 'timeseries',
  name: 'Time series',
  info: { version: '12.4.0' },
} as typeof timeseries.meta;
setPluginImportUtils({
  importPanelPlugin: async () => timeseries,
  getPanelPluginFromCache: (id: string) => (id === 'timeseries' ? timeseries : undefined),
});

/** The Overview page's Latency panel, with the page's variables set as a user would have them. */
async function latencyPanel(): Promise<VizPanel> {
  const overview = buildAllPages({ prometheusUid: 'prom-uid', lokiUid: 'loki-uid' }).find(
    (p) => p.name === 'overview'
  )!;
  const vars = sceneGraph.getVariables(overview.scene);
  // The page shows another service than the exemplar's: the exemplar's own label decides.
  (vars.getByName(VAR.service) as QueryVariable).setState({ value: 'demo', text: 'demo' });
  (vars.getByName(VAR.env) as QueryVariable).setState({ value: 'prod', text: 'prod' });
  const panel = sceneGraph.findObject(
    overview.scene,
    (o) => o instanceof VizPanel && o.state.title === 'Latency'
  ) as VizPanel;
  await panel.changePluginType(panel.state.pluginId);
  return panel;
}

/** What the panel's data provider does to `data.annotations` (SceneDataTransformer: transformDataFrame per topic). */
async function annotationsThroughPanel(panel: VizPanel, frames: DataFrame[]): Promise<DataFrame[]> {
  const provider = panel.state.$data;
  expect(provider).toBeInstanceOf(SceneDataTransformer);
  const annotationOperators = (provider as SceneDataTransformer).state.transformations.flatMap((t) =>
    typeof t === 'object' && 'operator' in t && t.topic === DataTopic.Annotations ? [t.operator] : []
  );
  expect(annotationOperators).toHaveLength(1);
  return firstValueFrom(transformDataFrame(annotationOperators, frames));
}

function panelData(annotations: DataFrame[]): PanelData {
  return { state: LoadingState.Done, series: [], annotations, timeRange: getDefaultTimeRange() };
}

function paneOf(href: string) {
  const panes = JSON.parse(new URL(href, 'http://grafana').searchParams.get('panes')!) as Record<
    string,
    {
      datasource: string;
      queries: Array<{ expr: string; datasource: { uid: string } }>;
      range: { from: string; to: string };
    }
  >;
  return Object.values(panes)[0]!;
}

describe('exemplar → the events of that request', () => {
  it('reaches the exemplar dot: VizPanel.applyFieldConfig on data.annotations leaves a link on trace_id', async () => {
    const panel = await latencyPanel();
    const annotations = await annotationsThroughPanel(panel, [exemplarFrame()]);
    const applied = panel.applyFieldConfig(panelData(annotations));
    const traceField = applied.annotations![0]!.fields.find((f) => f.name === 'trace_id')!;
    const links = traceField.getLinks!({ valueRowIndex: 0 });
    expect(links.map((l) => l.title)).toEqual([EXEMPLAR_LINK_TITLE]);
    const href = links[0]!.href;
    expect(href.startsWith('/explore?')).toBe(true);
    const pane = paneOf(href);
    // The app's configured Loki (the data source variable's default comes from the app settings).
    expect(pane.datasource).toBe('loki-uid');
    expect(pane.queries[0]!.datasource.uid).toBe('loki-uid');
    // A window around the exemplar, not the panel's range.
    expect(pane.range).toEqual({ from: String(T - EXEMPLAR_WINDOW_MS), to: String(T + EXEMPLAR_WINDOW_MS) });
    const expr = pane.queries[0]!.expr;
    expect(expr).toBe(`{service_name="checkout", env=~"prod"} | trace_id="${TRACE}"`);
    expect(logqlNames(expr).errors).toEqual([]);
  });

  it('without the transformation (a panel override), Scenes gives exemplars no link at all', async () => {
    const panel = await latencyPanel();
    panel.setState({
      fieldConfig: {
        defaults: {},
        overrides: [
          {
            matcher: { id: 'byName', options: 'trace_id' },
            properties: [{ id: 'links', value: [{ title: 'override', url: '/x' }] }],
          },
        ],
      },
    });
    const applied = panel.applyFieldConfig(panelData([exemplarFrame()]));
    const traceField = applied.annotations![0]!.fields.find((f) => f.name === 'trace_id')!;
    expect(traceField.getLinks!({ valueRowIndex: 0 })).toEqual([]);
  });

  it("scopes the query to the exemplar's own service label before the page's service", async () => {
    const panel = await latencyPanel();
    const frame = exemplarFrame(TRACE, { service_name: 'payments' });
    const applied = panel.applyFieldConfig(panelData(await annotationsThroughPanel(panel, [frame])));
    const href = applied.annotations![0]!.fields.find((f) => f.name === 'trace_id')!.getLinks!({ valueRowIndex: 0 })[0]!
      .href;
    expect(paneOf(href).queries[0]!.expr).toContain('{service_name="payments"');
  });

  it('leaves series, other annotations and the input frames alone', () => {
    const exemplar = exemplarFrame();
    const deploy = toDataFrame({
      name: 'deploys',
      meta: { dataTopic: DataTopic.Annotations },
      fields: [{ name: 'trace_id', values: ['x'] }],
    });
    const out = withExemplarLinks([exemplar, deploy]);
    expect(out[1]).toBe(deploy);
    expect(exemplar.fields.find((f) => f.name === 'trace_id')!.config.links).toBeUndefined();
    // Idempotent: running twice keeps one link.
    expect(withExemplarLinks(out)[0]!.fields.find((f) => f.name === 'trace_id')!.config.links).toHaveLength(1);
  });

  it.each([
    ['quotes and a closing brace', 'a"} | line_format "{{.password}}'],
    ['backslashes and newlines', 'a\\"\n{job="x"}\r\t'],
    ['a template token', '${__org.name}${loki}'],
    ['a megabyte', 'f'.repeat(1_000_000)],
  ])('a hostile trace id (%s) stays one LogQL string in a bounded URL', (_what, traceId) => {
    const href = exemplarEventsUrl({ traceId, service: 'checkout', time: T, lokiUid: 'loki-uid', env: '.*' });
    expect(href.length).toBeLessThan(2_000);
    expect(href).not.toContain('$');
    const expr = paneOf(href).queries[0]!.expr;
    const names = logqlNames(expr);
    expect(names.errors).toEqual([]);
    expect([...names.labels].sort()).toEqual(['env', 'service_name', 'trace_id']);
  });
});
