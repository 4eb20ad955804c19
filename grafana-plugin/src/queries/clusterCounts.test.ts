/**
 * @jest-environment node
 */
// What the Services and Health pages count when some instances run as clusters (node:cluster,
// PM2: one scrape target, per-worker gauges labelled `worker`): the page queries as issued, run
// as recording rules under `promtool test rules` over a clustered instance (3 workers) next to a
// single process.
import type * as AppQueries from '../testing/appQueries';
import { withBrowserGlobals } from '../testing/browserGlobals';
import { promtoolTest } from '../testing/promtool';

const { allIssuedQueries, interpolate, SAMPLE_VARIABLES } = withBrowserGlobals(
  () => require('../testing/appQueries') as typeof AppQueries
);
const queries = allIssuedQueries();
const VARIABLES = { ...SAMPLE_VARIABLES, job: 'shop', instance: '.*', env: '.*', __range: '10m' };

function expr(key: string): string {
  const q = queries.find((x) => `${x.page} › ${x.panel} › ${x.refId}` === key);
  if (!q) {
    throw new Error(`no query ${key}`);
  }
  return interpolate(q.expr, VARIABLES);
}

const info = (instance: string, pid: number, worker?: string) =>
  `pulse_runtime_info{job="shop", instance="${instance}", env="production", service_instance_id="host:${pid}"${worker ? `, worker="${worker}"` : ''}}`;
const flapping = (instance: string, check: string, worker?: string) =>
  `pulse_health_check_flapping{job="shop", instance="${instance}", check="${check}"${worker ? `, worker="${worker}"` : ''}}`;
const status = (instance: string, check: string, worker?: string) =>
  `pulse_health_check_status{job="shop", instance="${instance}", check="${check}", critical="true"${worker ? `, worker="${worker}"` : ''}}`;

// c:1 runs 3 workers, s:1 is a single process. queue flaps on every worker of c:1 and on s:1;
// db fails on c:1's worker 2 only.
const SERIES = [
  { series: info('c:1', 11, '1'), values: '1x10' },
  { series: info('c:1', 12, '2'), values: '1x10' },
  { series: info('c:1', 13, '3'), values: '1x10' },
  { series: info('s:1', 21), values: '1x10' },
  ...['1', '2', '3'].map((w) => ({ series: flapping('c:1', 'queue', w), values: '1x10' })),
  ...['1', '2', '3'].map((w) => ({ series: flapping('c:1', 'db', w), values: '0x10' })),
  { series: flapping('s:1', 'queue'), values: '1x10' },
  { series: flapping('s:1', 'db'), values: '0x10' },
  ...['1', '2', '3'].map((w) => ({ series: status('c:1', 'db', w), values: w === '2' ? '0x10' : '1x10' })),
  { series: status('s:1', 'db'), values: '1x10' },
];

describe('instances run as clusters: what the pages count (promtool)', () => {
  it('Services: a clustered instance counts once in Instances, each of its workers in Processes', () => {
    promtoolTest({
      series: SERIES,
      rules: {
        services_instances: expr('services › Services › instances'),
        services_processes: expr('services › Services › processes'),
      },
      evalTime: '10m',
      expected: {
        services_instances: [{ labels: 'services_instances{job="shop"}', value: 2 }],
        services_processes: [{ labels: 'services_processes{job="shop"}', value: 4 }],
      },
    });
  });

  it('Health: a check flapping on every worker of an instance is one flapping check, not one per worker', () => {
    promtoolTest({
      series: SERIES,
      rules: { health_flapping: expr('health › Flapping checks › flapping') },
      evalTime: '10m',
      expected: { health_flapping: [{ labels: 'health_flapping', value: 2 }] },
    });
  });

  it('Health: the checks table has one row per instance and check, with the worst worker’s status', () => {
    promtoolTest({
      series: SERIES,
      rules: { health_status: expr('health › Checks › status') },
      evalTime: '10m',
      expected: {
        health_status: [
          { labels: 'health_status{instance="c:1", check="db"}', value: 0 },
          { labels: 'health_status{instance="s:1", check="db"}', value: 1 },
        ],
      },
    });
  });
});
