/**
 * @jest-environment node
 */
// The app and the dashboards over instances run as clusters: two node:cluster apps of the built
// exporter (exporter/test/cluster/fixtures, 2 workers each on one shared port), scraped by a real
// Prometheus as two instances of one service. Every Prometheus query of every app page and of
// every generated dashboard runs on that data: no two series of one panel may get the same legend
// (as Grafana renders it), the per-worker gauges get a line per worker, the summed ones a line per
// instance, and the Services page counts 2 instances and 4 processes.
import fs from 'node:fs';
import path from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { startClusterApp, type ClusterApp } from '../../exporter/test/cluster/support';
import { sendRequests } from '../../exporter/test/support/http-load';
import { startPrometheus, type PrometheusHandle, type PromVector } from '../../exporter/test/support/prometheus';
import { interpolate as interpolateDashboard, panelsOf } from '../../provisioning/test/support/dashboards';
import { healthQueries } from './queries/health';
import { LABELS } from './queries/labels';
import { SERVICE_REFS, servicesQueries } from './queries/services';
import { variableQueries, VAR } from './queries/variables';
import type * as AppQueries from './testing/appQueries';
import { withBrowserGlobals } from './testing/browserGlobals';

const { allIssuedQueries, interpolate, SAMPLE_VARIABLES } = withBrowserGlobals(
  () => require('./testing/appQueries') as typeof AppQueries
);

/** The fixture's serviceName, used as the scrape job (job = service, as Pulse's docs set it up). */
const JOB = 'cluster-fixture';
const WORKERS = ['1', '2']; // node:cluster's worker ids (cluster.worker.id) in each app
const DASHBOARDS = path.resolve(__dirname, '../../provisioning/dashboards');

const APP_VARIABLES: Record<string, string> = {
  ...SAMPLE_VARIABLES,
  [VAR.service]: JOB,
  [VAR.instance]: '.*',
  [VAR.env]: '.*',
  [VAR.instanceId]: '.*',
};
const DASHBOARD_VARIABLES: Record<string, string> = {
  job: JOB,
  instance: '.*',
  env: '.*',
  instance_id: '.*',
  __rate_interval: '1m',
  __range: '5m',
  __interval: '15s',
  __auto: '1m',
};

/** A legend as Grafana's Prometheus backend renders it: `{{label}}` → its value, '' when absent. */
function renderLegend(format: string, labels: Record<string, string>): string {
  return format.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_m, name: string) => labels[name] ?? '');
}

interface PanelQuery {
  panel: string;
  expr: string;
  legendFormat: string;
}

let apps: ClusterApp[] = [];
let prom: PrometheusHandle;
let instances: string[] = [];
/** The instant every query is evaluated at (once each worker's gauges were scraped). */
let at = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until Prometheus's newest scrape has `count` series of `expr`, and returns the time. */
async function until(expr: string, count: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const t = Date.now() / 1000;
    const found = await prom.query(expr, t);
    if (found.length === count) return t;
    if (Date.now() > deadline) throw new Error(`${expr}: ${found.length} series, wanted ${count}`);
    await sleep(500);
  }
}

beforeAll(async () => {
  apps = await Promise.all([startClusterApp({ workers: 2 }), startClusterApp({ workers: 2 })]);
  instances = apps.map((a) => `127.0.0.1:${a.port}`).sort();
  prom = await startPrometheus({ targets: apps.map((a) => ({ job: JOB, address: `127.0.0.1:${a.port}` })) });
  for (const app of apps) {
    const result = await sendRequests({
      baseUrl: app.baseUrl,
      requests: Array.from({ length: 40 }, (_, i) => ({ method: 'GET', path: `/orders/${i}` })),
      concurrency: 4,
    });
    expect(result.errors).toBe(0);
  }
  await prom.waitForScrapes(JOB, 3);
  // Every worker's background samples (event loop, health) are in a scrape, and rates have two points.
  await until(`nodejs_eventloop_delay_p99_seconds{job="${JOB}"}`, 4);
  await until(`pulse_health_status{job="${JOB}"}`, 4);
  await prom.waitForScrapes(JOB, 6);
  at = Date.now() / 1000;
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await Promise.all(apps.map((a) => a.stop()));
});

const query = (expr: string): Promise<PromVector> => prom.query(expr, at);

/** The legends a panel's series get, in order: one entry per series of each of its queries. */
async function legendsOf(queries: PanelQuery[]): Promise<string[]> {
  const out: string[] = [];
  for (const q of queries) {
    for (const s of await query(q.expr)) out.push(renderLegend(q.legendFormat, s.metric));
  }
  return out;
}

/** Panels (by title) whose legends repeat: two lines Grafana would show under one name. */
async function panelsWithSharedLegends(queries: PanelQuery[]): Promise<Record<string, string[]>> {
  const byPanel = new Map<string, PanelQuery[]>();
  for (const q of queries) {
    const same = byPanel.get(q.panel) ?? [];
    // Two panels of one page under one title (a stat and a time series of the same query) are two panels.
    if (!same.some((o) => o.expr === q.expr && o.legendFormat === q.legendFormat)) byPanel.set(q.panel, [...same, q]);
  }
  const shared: Record<string, string[]> = {};
  for (const [panel, qs] of byPanel) {
    const legends = await legendsOf(qs);
    const repeated = legends.filter((l, i) => legends.indexOf(l) !== i);
    if (repeated.length > 0) shared[panel] = [...new Set(repeated)];
  }
  return shared;
}

const appQueries = (): PanelQuery[] =>
  allIssuedQueries()
    .filter((q) => q.datasource === 'prometheus' && q.legendFormat !== undefined)
    .map((q) => ({
      panel: `${q.page} › ${q.panel}`,
      expr: interpolate(q.expr, APP_VARIABLES),
      legendFormat: q.legendFormat!,
    }));

const appQuery = (page: string, panel: string): PanelQuery[] =>
  appQueries().filter((q) => q.panel === `${page} › ${panel}`);

function dashboardQueries(uid?: string): PanelQuery[] {
  return fs
    .readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(DASHBOARDS, f), 'utf8')) as Dashboard)
    .filter((d) => uid === undefined || d.uid === uid)
    .flatMap((d) =>
      panelsOf(d).flatMap((p) =>
        (p.targets ?? [])
          .filter((t) => t.datasource?.type === 'prometheus' && typeof t.legendFormat === 'string')
          .map((t) => ({
            panel: `${d.uid} › ${p.title}`,
            expr: interpolateDashboard(t.expr!, DASHBOARD_VARIABLES),
            legendFormat: t.legendFormat as string,
          }))
      )
    );
}

/** `instance worker` for every worker of both instances: what the per-worker legends must name. */
const everyWorker = (): string[] => instances.flatMap((i) => WORKERS.map((w) => `${i} ${w}`)).sort();

describe('instances run as clusters: 2 instances of 2 workers each', () => {
  it('the exposition carries the per-worker gauges per worker and the summed ones per instance', async () => {
    const elu = await query(`nodejs_eventloop_utilization_ratio{job="${JOB}"}`);
    expect(elu.map((s) => `${s.metric.instance} ${s.metric.worker}`).sort()).toEqual(everyWorker());
    const heap = await query(`nodejs_heap_size_used_bytes{job="${JOB}"}`);
    expect(heap.map((s) => s.metric.instance).sort()).toEqual(instances);
    expect(heap.every((s) => s.metric.worker === undefined)).toBe(true);
  });

  it('no panel of the app shows two series under one legend', async () => {
    const queries = appQueries();
    expect(queries.length).toBeGreaterThan(40);
    expect(await panelsWithSharedLegends(queries)).toEqual({});
  }, 60_000);

  it('no panel of the generated dashboards shows two series under one legend', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    expect(await panelsWithSharedLegends(queries)).toEqual({});
  }, 60_000);

  it('Runtime page: event-loop panels get one line per worker, named by instance and worker', async () => {
    expect((await legendsOf(appQuery('runtime', 'Event loop utilization'))).sort()).toEqual(everyWorker());
    const delay = await legendsOf(appQuery('runtime', 'Event loop delay'));
    expect(delay.sort()).toEqual(
      everyWorker()
        .flatMap((p) => ['p50', 'p90', 'p99', 'max'].map((stat) => `${p} ${stat}`))
        .sort()
    );
    const growth = await legendsOf(appQuery('runtime', 'Leak window growth'));
    expect(growth.sort()).toEqual(
      everyWorker()
        .flatMap((p) => [`${p} handles`, `${p} heap`])
        .sort()
    );
  });

  it('Runtime page: prom-client’s summed gauges stay one line per instance', async () => {
    expect((await legendsOf(appQuery('runtime', 'Heap used / limit'))).sort()).toEqual(instances);
    expect((await legendsOf(appQuery('runtime', 'CPU (cores)'))).sort()).toEqual(instances);
  });

  it('Runtime dashboard: event-loop panels get one line per worker too', async () => {
    const runtime = dashboardQueries('pulse-runtime');
    const panel = (title: string) => runtime.filter((q) => q.panel === `pulse-runtime › ${title}`);
    expect((await legendsOf(panel('Event-loop utilisation'))).sort()).toEqual(everyWorker());
    expect(await legendsOf(panel('Event-loop delay'))).toHaveLength(16);
    const overview = dashboardQueries('pulse-overview').filter(
      (q) => q.panel === 'pulse-overview › Event-loop utilisation'
    );
    expect((await legendsOf(overview)).sort()).toEqual(everyWorker());
  });

  it('Services page: 2 instances, 4 processes', async () => {
    const refs = servicesQueries.table();
    const value = async (refId: string) => {
      const target = refs.find((t) => t.refId === refId)!;
      const rows = await query(interpolate(target.expr, APP_VARIABLES));
      return rows.map((r) => [r.metric[LABELS.job], r.value]);
    };
    expect(await value(SERVICE_REFS.instances)).toEqual([[JOB, 2]]);
    expect(await value(SERVICE_REFS.processes)).toEqual([[JOB, 4]]);
  });

  it('the instance picker lists 2 instances; the hidden process ids all 4 workers (Loki knows processes)', async () => {
    const values = async (q: { seriesSelector: string; label: string }) =>
      new Set((await query(interpolate(q.seriesSelector, APP_VARIABLES))).map((s) => s.metric[q.label])).size;
    expect(await values(variableQueries.instance)).toBe(2);
    expect(await values(variableQueries.instanceId)).toBe(4);
  });

  it('Health page: one status per instance and check, a composite line per worker, no flapping read as 0', async () => {
    const [status] = healthQueries.checksTable();
    const rows = await query(interpolate(status!.expr, APP_VARIABLES));
    const checks = new Set(rows.map((r) => r.metric.check));
    expect(rows).toHaveLength(instances.length * checks.size);
    expect(rows.every((r) => r.metric.worker === undefined)).toBe(true);
    const [worst] = await query(interpolate(healthQueries.compositeWorst().expr, APP_VARIABLES));
    expect(worst!.value).toBe(1);
    const [flapping] = await query(interpolate(healthQueries.flappingCount().expr, APP_VARIABLES));
    expect(flapping!.value).toBe(0);
    expect((await legendsOf(appQuery('health', 'Composite status per instance'))).sort()).toEqual(everyWorker());
  });
});
