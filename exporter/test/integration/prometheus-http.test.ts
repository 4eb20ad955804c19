import express from 'express';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { listen, sleep } from '../support/app';
import type { RunningApp } from '../support/app';
import { sendRequests } from '../support/http-load';
import type { PrometheusHandle, PromVector } from '../support/prometheus';
import { startPrometheus } from '../support/prometheus';

// The PromQL claims of the HTTP signal, checked on a real Prometheus scraping a real app.

const JOB = 'pulse-http';
const M = 'http_server_request_duration_seconds';

const byRoute = (v: PromVector): Record<string, number> =>
  Object.fromEntries(v.map((s) => [s.metric.http_route ?? '', s.value]));

describe('HTTP metrics on real Prometheus', () => {
  let pulse: Pulse;
  let app: RunningApp;
  let prom: PrometheusHandle;
  const slowTraceIds: string[] = [];

  beforeAll(async () => {
    pulse = createPulse({ serviceName: 'prom-it', http: { express }, metrics: { registry: new Registry() } });
    const server = express();
    server.use(pulse.middleware());
    const items = express.Router();
    items.get('/items/:id', (_req, res) => res.json({ ok: true }));
    server.use('/api/:version', items);
    server.get('/slow', (_req, res) => setTimeout(() => res.send('slow'), 300));
    server.get('/fail', (_req, res) => res.status(503).send('down'));
    pulse.mount(server);
    app = await listen(server);
    prom = await startPrometheus({ targets: [{ job: JOB, address: `127.0.0.1:${app.port}` }] });
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await app?.close();
    await pulse?.shutdown();
  });

  async function phase(items: number, fails: number, slows: number): Promise<void> {
    const requests = [
      ...Array.from({ length: items }, (_, i) => ({ method: 'GET', path: `/api/v${i % 3}/items/${i}` })),
      ...Array.from({ length: fails }, () => ({ method: 'GET', path: '/fail' })),
    ];
    const result = await sendRequests({ baseUrl: app.baseUrl, requests, concurrency: 8 });
    expect(result.errors).toBe(0);
    for (let i = 0; i < slows; i++) {
      const res = await fetch(`${app.baseUrl}/slow`);
      await res.text();
      slowTraceIds.push(res.headers.get('x-trace-id')!);
    }
    await sleep(20);
  }

  it('counts every request per route template, exactly, and the error ratio and quantiles follow', async () => {
    await phase(120, 10, 2);
    await prom.waitForScrapes(JOB, 2);
    const tA = Date.now() / 1000;
    await phase(300, 30, 4);
    await sleep(1500);
    await prom.waitForScrapes(JOB, 4);
    const tB = Date.now() / 1000;

    const totalsExpr = `sum by (http_route) (${M}_count{job="${JOB}"})`;
    expect(byRoute(await prom.query(totalsExpr, tB))).toEqual({
      '/api/:version/items/:id': 420,
      '/fail': 40,
      '/slow': 6,
    });
    // What phase B sent, as the difference Prometheus computes between two instants.
    const window = Math.round(tB - tA);
    const diff = await prom.query(
      `${totalsExpr} - sum by (http_route) (${M}_count{job="${JOB}"} offset ${window}s)`,
      tB,
    );
    expect(byRoute(diff)).toEqual({ '/api/:version/items/:id': 300, '/fail': 30, '/slow': 4 });

    // increase() needs a sample from before phase B in its window, and extrapolates to the
    // window's edges: close, not exact. With the few scrapes a slow CI machine fits in the window,
    // extrapolation reaches up to twice the raw difference (500 for 300 seen on a loaded run).
    const rangeB = `${Math.ceil(tB - tA) + 2}s`;
    const increase = byRoute(
      await prom.query(`sum by (http_route) (increase(${M}_count{job="${JOB}"}[${rangeB}]))`, tB),
    );
    expect(increase['/api/:version/items/:id']).toBeGreaterThan(200);
    expect(increase['/api/:version/items/:id']).toBeLessThanOrEqual(600);

    // Error ratio as the dashboards compute it: 5xx over all, from the same histogram.
    const ratio = await prom.query(
      `sum(${M}_count{job="${JOB}",http_response_status_code=~"5.."}) / sum(${M}_count{job="${JOB}"})`,
      tB,
    );
    expect(ratio[0]!.value).toBeCloseTo(40 / 466, 6);
    const errorTypes = await prom.query(`sum by (error_type) (${M}_count{job="${JOB}",http_route="/fail"})`, tB);
    expect(errorTypes.map((s) => s.metric.error_type)).toEqual(['503']);

    // Every /slow request took ~300 ms: its median falls in the (0.25, 0.5] bucket.
    const p50 = await prom.query(
      `histogram_quantile(0.5, sum by (le) (increase(${M}_bucket{job="${JOB}",http_route="/slow"}[${rangeB}])))`,
      tB,
    );
    expect(p50[0]!.value).toBeGreaterThan(0.25);
    expect(p50[0]!.value).toBeLessThanOrEqual(0.5);
    const fastP99 = await prom.query(
      `histogram_quantile(0.99, sum by (le) (increase(${M}_bucket{job="${JOB}",http_route="/api/:version/items/:id"}[${rangeB}])))`,
      tB,
    );
    expect(fastP99[0]!.value).toBeLessThan(0.25);
  }, 90_000);

  it('stores trace-id exemplars that lead to the exact slow requests', async () => {
    const end = Date.now() / 1000;
    const series = await prom.queryExemplars(`${M}_bucket{job="${JOB}",http_route="/slow"}`, end - 600, end);
    const traceIds = series.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
    expect(traceIds.length).toBeGreaterThan(0);
    for (const id of traceIds) expect(slowTraceIds).toContain(id);
    for (const e of series.flatMap((s) => s.exemplars)) {
      expect(e.value).toBeGreaterThan(0.25);
      expect(e.value).toBeLessThan(5);
    }
  });

  it('exposes the catalog metrics under their catalog names', async () => {
    const names = (await prom.query(`count by (__name__) ({job="${JOB}"})`)).map((s) => s.metric.__name__);
    for (const expected of [
      `${M}_bucket`,
      `${M}_count`,
      `${M}_sum`,
      'http_server_active_requests',
      'http_server_response_body_size_bytes_count',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(names).toContain(expected);
    }
  });
});
