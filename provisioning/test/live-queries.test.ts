/**
 * Every PromQL of every generated dashboard, run on real Prometheus over real exporter output: the
 * demo API and the payments service under driven traffic (demo/test/live-stack.ts), and real
 * blackbox probes of the URLs the generated probe list names (re-pointed from the compose hosts to
 * the live services). Grafana's variables are substituted the way Grafana does (multi-value "All"
 * → an alternation of the values the variable query finds); every query must run, and the key
 * panels must return data.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { startLiveStack } from '../../demo/test/live-stack';
import type { PrometheusHandle } from '../../exporter/test/support/prometheus';
import { DASHBOARD_UIDS } from '../src/names';
import { DASHBOARDS_DIR } from '../src/outputs';
import { catalog, promql } from '../src/queries';
import { interpolate, queriesOf, type PanelQuery } from './support/dashboards';
import { startProbes, type Probes } from './support/probes';
import { filesUnder, readText, readYaml } from './support/repo';

type LiveStack = Awaited<ReturnType<typeof startLiveStack>>;

const dashboards = filesUnder(DASHBOARDS_DIR, /\.json$/).map((f) => JSON.parse(readText(f)) as Dashboard);
const queries = dashboards.flatMap(queriesOf).filter((q) => q.source === 'prometheus');

/** Panels that must show data with the demo under traffic (the rest may be empty: no N+1 or slow query happened yet). */
const KEY_PANELS: Record<string, string[]> = {
  [DASHBOARD_UIDS.overview]: [
    'Requests per second',
    '5xx ratio',
    'p95 latency',
    'Targets up',
    'Requests per second by route',
    'Latency p50 / p95 / p99',
    'p95 latency by route',
    'Event-loop utilisation',
    'CPU',
    'Heap used / heap limit',
    'Health checks',
  ],
  [DASHBOARD_UIDS.database]: [
    'Operations per second by table',
    'p95 duration by table',
    'Queries per request by route',
    'Pool in use',
  ],
  [DASHBOARD_UIDS.runtime]: [
    'Event-loop utilisation',
    'Event-loop delay',
    'CPU',
    'Memory',
    'GC pauses per second by kind',
    'Active handles',
    'Versions',
  ],
  [DASHBOARD_UIDS.dependencies]: [
    'Calls per second',
    'Latency p50 / p95 by dependency',
    'HTTP calls by server and status',
    'HTTP p95 by server',
  ],
  [DASHBOARD_UIDS.errors]: ['Captured errors by type', 'Captured errors by route'],
  [DASHBOARD_UIDS.probes]: [
    'Probe status',
    'Uptime over the range',
    'Up / down history',
    'Probe duration',
    'HTTP status and certificate expiry',
  ],
};

/** Key panels whose values must also rise above zero somewhere in the range (traffic, work done, probes answered). */
const POSITIVE = new Set([
  'Requests per second',
  'p95 latency',
  'Requests per second by route',
  'CPU',
  'Operations per second by table',
  'Queries per request by route',
  'Calls per second',
  'Captured errors by type',
  'Probe duration',
  'Memory',
]);

/**
 * How Grafana's Prometheus data source renders a multi-value variable set to All: the values,
 * regex-escaped for a PromQL string literal (`127\\.0` in the query text), as an alternation.
 */
const alternation = (values: string[]): string =>
  `(${values.map((v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&')).join('|')})`;

describe('dashboard PromQL on real Prometheus over the live demo', () => {
  let stack: LiveStack;
  let probes: Probes;
  let serviceValues: Record<string, string>;
  let probeValues: Record<string, string>;

  beforeAll(async () => {
    stack = await startLiveStack();
    // The generated probe list, re-pointed from compose hosts to the live services.
    const composeUrls = readYaml<Array<{ targets: string[] }>>(
      'provisioning/prometheus/probes/pulse-probes.yml',
    ).flatMap((g) => g.targets);
    const live = composeUrls.map((u) =>
      u
        .replace(/^http:\/\/demo:3000/, stack.demoUrl.replace(/\/$/, ''))
        .replace(/^http:\/\/payments:4000/, stack.paymentsUrl.replace(/\/$/, '')),
    );
    [probes] = await Promise.all([startProbes(live), stack.driveTraffic()]);
    // Enough scrapes after the traffic for rates over the substituted rate interval.
    await stack.prom.waitForScrapes('demo', 8);

    const values = async (prom: PrometheusHandle, expr: string, label: string) =>
      [...new Set((await prom.query(expr)).map((s) => s.metric[label]!))].sort();
    const requests = promql.seriesName(catalog.httpServerRequestDuration, 'count');
    const jobs = await values(stack.prom, requests, 'job');
    const instances = await values(stack.prom, requests, 'instance');
    const probed = await values(probes.prom, promql.probeSuccess(), 'instance');
    const grafana = { __rate_interval: '1m', __range: '2m', __interval: '5s' };
    serviceValues = { job: alternation(jobs), instance: alternation(instances), ...grafana };
    probeValues = { instance: alternation(probed), ...grafana };
  }, 180_000);

  afterAll(async () => {
    await probes?.stop();
    await stack?.stop();
  }, 60_000);

  /** Runs the query as the panel does (instant, or a range over the last two minutes); returns each series' values. */
  const run = async (q: PanelQuery): Promise<number[][]> => {
    const probesDashboard = q.dashboard === DASHBOARD_UIDS.probes;
    const prom = probesDashboard ? probes.prom : stack.prom;
    const expr = interpolate(q.expr, probesDashboard ? probeValues : serviceValues);
    const numbers = (vs: number[]) => vs.filter((v) => !Number.isNaN(v));
    if (q.instant) return (await prom.query(expr)).map((s) => numbers([s.value]));
    const end = Date.now() / 1000;
    return (await prom.queryRange(expr, end - 120, end, 5)).map((s) => numbers(s.values.map(([, v]) => v)));
  };

  it('the live demo and payments services are both scraped (the variables find them)', () => {
    expect(serviceValues.job).toMatch(/demo/);
    expect(serviceValues.job).toMatch(/payments/);
  });

  it('every key panel of the dashboards is named in the dashboards (the list is not stale)', () => {
    for (const [uid, titles] of Object.entries(KEY_PANELS)) {
      const panels = new Set(queries.filter((q) => q.dashboard === uid).map((q) => q.panel));
      for (const title of titles)
        expect({ uid, title, exists: panels.has(title) }).toEqual({ uid, title, exists: true });
    }
  });

  it.each(queries.map((q) => [`${q.dashboard} / ${q.panel}: ${q.expr.slice(0, 60)}`, q] as const))(
    '%s',
    async (_label, q) => {
      const series = (await run(q)).filter((values) => values.length > 0);
      if (KEY_PANELS[q.dashboard]?.includes(q.panel)) {
        expect({ panel: q.panel, expr: q.expr, data: series.length > 0 }).toEqual({
          panel: q.panel,
          expr: q.expr,
          data: true,
        });
        if (POSITIVE.has(q.panel)) {
          const positive = series.some((values) => values.some((v) => v > 0));
          expect({ panel: q.panel, expr: q.expr, positive }).toEqual({ panel: q.panel, expr: q.expr, positive: true });
        }
      }
    },
  );

  it('the generated probe paths answer on the live services (probe_success 1, HTTP 200)', async () => {
    const success = await probes.prom.query(promql.probeSuccess());
    const live = success.filter((s) => !s.metric.instance!.startsWith('https://'));
    expect(live.length).toBeGreaterThan(0);
    for (const s of live) expect({ url: s.metric.instance, up: s.value }).toEqual({ url: s.metric.instance, up: 1 });
    const days = await probes.prom.query(promql.certExpiryDays());
    expect(days.map((s) => Math.round(s.value))).toEqual([2]);
  });
});
