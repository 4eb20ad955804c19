import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { SceneDataTransformer, sceneGraph, VizPanel } from '@grafana/scenes';
import { VariableHide } from '@grafana/schema';
import { lastValueFrom, of } from 'rxjs';
import pluginJson from '../../plugin.json';
import { SERVICE_REFS } from '../../queries/services';
import { VAR } from '../../queries/variables';
import { buildAllPages, queriesOf } from '../../testing/appQueries';
import { pulsePages } from '../registry';
import { firingAlertsByService, type AlertInstance } from './firingAlerts';
import { serviceMapTransform } from './serviceMap';
import { SERVICE_COLUMNS as COL, servicesTableFrame, servicesTableTransform } from './servicesTable';

const page = buildAllPages().find((p) => p.name === 'services')!;
const panels = sceneGraph.findAllObjects(page.scene, (o) => o instanceof VizPanel) as VizPanel[];
const panel = (title: string) => panels.find((p) => p.state.title === title)!;

function table(refId: string, rows: Array<[Record<string, string>, number]>): DataFrame {
  return createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: rows.map(() => 1) },
      { name: 'job', type: FieldType.string, values: rows.map(([l]) => l.job) },
      { name: `Value #${refId}`, type: FieldType.number, values: rows.map(([, v]) => v) },
    ],
  });
}

const frames = [
  table(SERVICE_REFS.rate, [
    [{ job: 'demo' }, 12],
    [{ job: 'payments' }, 3],
  ]),
  // payments answered no 5xx: the query has no series for it.
  table(SERVICE_REFS.errors, [[{ job: 'demo' }, 0.02]]),
  table(SERVICE_REFS.p95, [
    [{ job: 'demo' }, 0.3],
    [{ job: 'payments' }, 0.05],
  ]),
  table(SERVICE_REFS.health, [
    [{ job: 'demo' }, 1],
    [{ job: 'payments' }, 0.5],
  ]),
  table(SERVICE_REFS.instances, [
    [{ job: 'demo' }, 2],
    [{ job: 'payments' }, 1],
  ]),
  // payments' one instance runs as a cluster of 4 workers.
  table(SERVICE_REFS.processes, [
    [{ job: 'demo' }, 2],
    [{ job: 'payments' }, 4],
  ]),
];
const column = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe('Services page', () => {
  it('is the app\u2019s landing page: first in the registry and plugin.json\u2019s default nav', () => {
    expect(pulsePages[0]!.id).toBe('services');
    const defaults = pluginJson.includes.filter((i) => (i as { defaultNav?: boolean }).defaultNav);
    expect(defaults.map((i) => i.path)).toEqual(['/a/%PLUGIN_ID%/services']);
  });

  it('hides the one-service pickers (service, instance) but keeps them for the links onwards', () => {
    const vars = sceneGraph.getVariables(page.scene);
    expect(vars.getByName(VAR.service)!.state.hide).toBe(VariableHide.hideVariable);
    expect(vars.getByName(VAR.instance)!.state.hide).toBe(VariableHide.hideVariable);
    expect(vars.getByName(VAR.env)!.state.hide).not.toBe(VariableHide.hideVariable);
  });

  it('queries every service of the environment, never the selected one', () => {
    const queries = queriesOf(page);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      expect(q.expr).not.toContain('$job');
      expect(q.expr).toContain('env=~"$env"');
      expect(q.instant).toBe(true);
    }
    expect(queries.filter((q) => q.panel === 'Services').map((q) => q.refId)).toEqual(Object.values(SERVICE_REFS));
  });

  it('the table runs its queries through the alert-joining transformation; services link to their Overview', () => {
    const data = panel('Services').state.$data as SceneDataTransformer;
    expect(data).toBeInstanceOf(SceneDataTransformer);
    expect(data.state.transformations).toHaveLength(1);
    const overrides = panel('Services').state.fieldConfig.overrides;
    const serviceLinks = overrides.find((o) => o.matcher.options === COL.service)!.properties;
    expect(serviceLinks).toContainEqual({
      id: 'links',
      value: [
        {
          title: 'Overview of ${__value.raw}',
          url: '/a/pulseapm-pulse-app/overview?var-job=${__value.raw:percentencode}&${__url_time_range}&${env:queryparam}&${prom:queryparam}&${loki:queryparam}',
        },
      ],
    });
    expect(panel('Services').state.options).toMatchObject({ sortBy: [{ displayName: COL.rate, desc: true }] });
  });

  it('the service map is a nodeGraph panel fed through the map transformation', () => {
    const map = panel('Service map');
    expect(map.state.pluginId).toBe('nodeGraph');
    expect((map.state.$data as SceneDataTransformer).state.transformations).toEqual([serviceMapTransform]);
  });
});

describe('services table', () => {
  it('one row per service: a service without 5xx shows 0 %, one without alerts 0', () => {
    const frame = servicesTableFrame(frames, new Map([['demo', 2]]));
    expect(column(frame, COL.service)).toEqual(['demo', 'payments']);
    expect(column(frame, COL.rate)).toEqual([12, 3]);
    expect(column(frame, COL.errors)).toEqual([0.02, 0]);
    expect(column(frame, COL.p95)).toEqual([0.3, 0.05]);
    expect(column(frame, COL.health)).toEqual([1, 0.5]);
    expect(column(frame, COL.instances)).toEqual([2, 1]);
    expect(column(frame, COL.processes)).toEqual([2, 4]);
    expect(column(frame, COL.alerts)).toEqual([2, 0]);
  });

  it('alert state that cannot be read is shown as unknown, not as 0', () => {
    expect(column(servicesTableFrame(frames, undefined), COL.alerts)).toEqual([null, null]);
  });

  it('the transformation joins Grafana Alerting\u2019s firing instances per service_name', async () => {
    const loadAlerts = jest.fn(async (): Promise<AlertInstance[]> => [
      { labels: { alertname: 'HighErrorRate', service_name: 'demo', job: 'demo' }, state: 'Alerting' },
      { labels: { alertname: 'ServerLost', service_name: 'demo' }, state: 'firing' },
      { labels: { alertname: 'SlowRoutes', service_name: 'payments' }, state: 'Pending' },
      { labels: { alertname: 'Normal', service_name: 'payments' }, state: 'Normal' },
    ]);
    const [out] = await lastValueFrom(of(frames).pipe(servicesTableTransform(loadAlerts)({ interpolate: (s) => s })));
    expect(loadAlerts).toHaveBeenCalledTimes(1);
    expect(column(out!, COL.alerts)).toEqual([2, 0]);
  });

  it('a failing alert request still renders the table', async () => {
    const failing = async () => {
      throw new Error('403');
    };
    const [out] = await lastValueFrom(of(frames).pipe(servicesTableTransform(failing)({ interpolate: (s) => s })));
    expect(column(out!, COL.service)).toEqual(['demo', 'payments']);
    expect(column(out!, COL.alerts)).toEqual([null, null]);
  });

  it('counts by job when an alert has no service_name', () => {
    expect(firingAlertsByService([{ labels: { job: 'x' }, state: 'Alerting' }])).toEqual(new Map([['x', 1]]));
  });
});
