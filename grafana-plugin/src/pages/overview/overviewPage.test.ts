// Overview, Route detail and Runtime over real Scenes objects: the alert filter every Pulse rule
// matches, tables by operation (method + route) whose links carry the method, and the lifecycle
// annotation layer (deploys, restarts, crashes from Loki) on the pages with time series.
import { dataLayers, sceneGraph, VizPanel } from '@grafana/scenes';
import { LOKI_LABELS } from '@pulse-apm/exporter/catalog';
import { lifecycleAnnotations } from '../../queries/annotations';
import { buildAllPages, queriesOf } from '../../testing/appQueries';

const pages = buildAllPages();
const page = (name: string) => pages.find((p) => p.name === name)!;
const panel = (name: string, title: string) =>
  (sceneGraph.findAllObjects(page(name).scene, (o) => o instanceof VizPanel) as VizPanel[]).find(
    (p) => p.state.title === title
  )!;

describe('Overview › Active alerts', () => {
  it('filters alert instances on service_name, the label every Pulse rule carries (ServerLost and Loki rules have no job)', () => {
    const alerts = panel('overview', 'Active alerts');
    expect(alerts.state.pluginId).toBe('alertlist');
    expect((alerts.state.options as Record<string, unknown>).alertInstanceLabelFilter).toBe(
      `{${LOKI_LABELS.serviceName}="$job"}`
    );
  });
});

describe('an operation is method + route', () => {
  it.each([
    ['overview', 'Top routes by traffic'],
    ['overview', 'Slowest routes (p95)'],
    ['overview', 'Most failing routes (5xx)'],
    ['routes', 'Routes'],
  ])('%s › %s groups by method and route, and its route link opens that method', (name, title) => {
    for (const q of queriesOf(page(name)).filter((x) => x.panel === title)) {
      expect(q.expr).toMatch(/by \((le, )?http_request_method, http_route\)/);
    }
    const links = panel(name, title)
      .state.fieldConfig.overrides.flatMap((o) => o.properties)
      .filter((p) => p.id === 'links')
      .flatMap((p) => p.value as Array<{ url: string }>);
    expect(links.map((l) => l.url)).toEqual([
      expect.stringContaining('var-method=${__data.fields.http_request_method'),
    ]);
  });
});

describe('deploys and restarts on the time series', () => {
  it.each(['overview', 'routes/:route/*', 'runtime'])('%s has the lifecycle annotation layers on Loki', (name) => {
    const layers = sceneGraph.getDataLayers(page(name).scene) as unknown as Array<{ state: { layers: unknown[] } }>;
    const annotationLayers = layers
      .flatMap((set) => set.state.layers)
      .filter(
        (l): l is InstanceType<typeof dataLayers.AnnotationsDataLayer> => l instanceof dataLayers.AnnotationsDataLayer
      );
    expect(annotationLayers.map((l) => l.state.name)).toEqual(lifecycleAnnotations().map((a) => a.name));
    for (const l of annotationLayers) {
      const a = lifecycleAnnotations().find((x) => x.name === l.state.name)!;
      expect(l.state.query).toMatchObject({
        enable: true,
        datasource: { type: 'loki', uid: '${loki}' },
        expr: a.expr,
        titleFormat: a.titleFormat,
        textFormat: a.textFormat,
      });
      expect(l.state.query.expr).toContain('event_kind="lifecycle"');
      expect(l.state.query.expr).toContain('service_instance_id=~"$instance_id"');
    }
  });
});
