/**
 * A real node:cluster app (test/cluster/fixtures: an ESM primary forking CJS workers of the built
 * package, routes in their own module) under load on 127.0.0.1. Every scrape, whichever worker it
 * lands on, returns every worker's counts exactly; /health lists every worker; a stuck worker is
 * counted and its last state stands in; a killed or crashed worker's counts stay in the sums.
 */
import { sendRequests } from '../support/http-load';
import type { ClusterApp, Scrape } from './support';
import { getFresh, samplesOf, startClusterApp, sumOf } from './support';

const COUNT = 'http_server_request_duration_seconds_count';
const ORDER_ROUTE = 'http_route="/orders/:orderId"';
const CANCEL_ROUTE = 'http_route="/orders/:orderId/cancel"';

function load(app: ClusterApp, gets: number, cancels: number) {
  const requests = [
    ...Array.from({ length: gets }, (_, i) => ({ method: 'GET', path: `/orders/${i}` })),
    ...Array.from({ length: cancels }, (_, i) => ({ method: 'POST', path: `/orders/${i}/cancel` })),
  ];
  return sendRequests({ baseUrl: app.baseUrl, requests, concurrency: 12 });
}

async function scrapes(app: ClusterApp, n: number, accept?: string): Promise<Scrape[]> {
  const out: Scrape[] = [];
  for (let i = 0; i < n; i++) out.push(await getFresh(`${app.baseUrl}/metrics`, accept ? { accept } : {}));
  return out;
}

function expectTotals(s: Scrape, gets: number, cancels: number): void {
  expect([s.worker, sumOf(s.text, COUNT, [ORDER_ROUTE])]).toEqual([s.worker, gets]);
  expect([s.worker, sumOf(s.text, COUNT, [CANCEL_ROUTE, 'http_response_status_code="409"'])]).toEqual([
    s.worker,
    cancels,
  ]);
  // Buckets are summed bucket by bucket: +Inf equals the count.
  expect(sumOf(s.text, 'http_server_request_duration_seconds_bucket', ['le="+Inf"'])).toBe(gets + cancels);
  // The app's own prom-client counter is summed too.
  expect(sumOf(s.text, 'fixture_orders_served_total')).toBe(gets + cancels);
}

describe('node:cluster: one scrape answers for every worker', () => {
  let app: ClusterApp;

  beforeAll(async () => {
    app = await startClusterApp({ workers: 3, env: { PULSE_CLUSTER_TIMEOUT: '600' } });
  }, 30_000);
  afterAll(() => app?.stop());

  it('sums 2000 keep-alive requests exactly on every scrape, wherever it lands', async () => {
    const result = await load(app, 1500, 500);
    expect(result.errors).toBe(0);
    expect(result.byStatus).toEqual({ 200: 1500, 409: 500 });
    const all = await scrapes(app, 12);
    expect(new Set(all.map((s) => s.worker)).size).toBe(3);
    for (const s of all) {
      expect(s.status).toBe(200);
      expectTotals(s, 1500, 500);
      // Per-worker gauges keep one series per worker; summed ones one in all.
      expect(samplesOf(s.text, 'nodejs_eventloop_delay_p99_seconds')).toHaveLength(3);
      expect(samplesOf(s.text, 'pulse_runtime_info').map((l) => l.includes('worker="'))).toEqual([true, true, true]);
      expect(samplesOf(s.text, 'http_server_active_requests').length).toBeGreaterThan(0);
      expect(samplesOf(s.text, 'http_server_active_requests').every((l) => !l.includes('worker='))).toBe(true);
      // prom-client's aggregators: one version line, not three.
      expect(samplesOf(s.text, 'nodejs_version_info')).toHaveLength(1);
    }
    // Each scrape asked its two peers; those requests are counted (as of the previous scrape each worker served).
    expect(sumOf(all[11]!.text, 'pulse_cluster_peer_requests_total', ['outcome="answered"'])).toBeGreaterThanOrEqual(
      18,
    );
    expect(sumOf(all[11]!.text, 'pulse_cluster_peer_requests_total', ['outcome="timeout"'])).toBe(0);
  });

  it('serves OpenMetrics with the summed counts, exemplars and # EOF', async () => {
    const [s] = await scrapes(app, 1, 'application/openmetrics-text; version=1.0.0');
    expect(s!.text.endsWith('# EOF\n')).toBe(true);
    expectTotals(s!, 1500, 500);
    expect(s!.text).toMatch(/http_server_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\}/);
  });

  it('lists every worker on /health', async () => {
    const res = await getFresh(`${app.baseUrl}/health`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as {
      status: string;
      workers: { worker: string; pid: number; status: string; checks: object }[];
    };
    expect(body.status).toBe('healthy');
    expect(body.workers).toHaveLength(3);
    expect(new Set(body.workers.map((w) => w.pid)).size).toBe(3);
    for (const w of body.workers) expect(w.checks).toHaveProperty('orders-db');
  });

  it('answers within the deadline while a worker is stuck, counts it, and its last state keeps the sums', async () => {
    await scrapes(app, 3); // every worker's state now on disk
    app.command('block 1 4000');
    let answered: Scrape | undefined;
    for (let i = 0; i < 6 && answered === undefined; i++) {
      // A connection handed to the stuck worker waits for it: try the next one.
      const s = await getFresh(`${app.baseUrl}/metrics`, {}, 1500).catch(() => undefined);
      if (s !== undefined && s.worker !== '1') answered = s;
    }
    expect(answered).toBeDefined();
    expectTotals(answered!, 1500, 500);
    expect(samplesOf(answered!.text, 'nodejs_eventloop_delay_p99_seconds')).toHaveLength(3);
    const health = await getFresh(`${app.baseUrl}/health`, {}, 1500).catch(() => undefined);
    if (health !== undefined && health.worker !== '1') {
      const body = JSON.parse(health.text) as { status: string; missingWorkers?: { outcome: string }[] };
      expect(body.status).toBe('degraded');
      expect(body.missingWorkers).toEqual([expect.objectContaining({ outcome: 'timeout' })]);
    }
    await new Promise((r) => setTimeout(r, 4000));
    const after = await scrapes(app, 3);
    for (const s of after) expectTotals(s, 1500, 500);
    expect(sumOf(after[2]!.text, 'pulse_cluster_peer_requests_total', ['outcome="timeout"'])).toBeGreaterThanOrEqual(1);
  });

  it('keeps a SIGKILLed worker and a crashed worker in the sums, which never go back', async () => {
    await scrapes(app, 3);
    app.command('sigkill 2');
    await app.waitForLines('FORKED', 4);
    let result = await load(app, 400, 100);
    expect(result.errors).toBe(0);
    const afterKill = await scrapes(app, 6);
    for (const s of afterKill) expectTotals(s, 1900, 600);
    expect(sumOf(afterKill[5]!.text, 'pulse_cluster_peer_requests_total', ['outcome="exited"'])).toBeGreaterThanOrEqual(
      1,
    );
    expect(samplesOf(afterKill[5]!.text, 'pulse_runtime_info')).toHaveLength(3);

    // Requests no scrape has seen yet, then an uncaught exception: the worker's 'exit' retires its final counts.
    result = await load(app, 300, 0);
    expect(result.errors).toBe(0);
    app.command('throw 3');
    await app.waitForLines('FORKED', 5);
    for (const s of await scrapes(app, 6)) expectTotals(s, 2200, 600);
  });
});
