import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { sleep } from '../support/app';
import { sendRequests } from '../support/http-load';
import type { PrometheusHandle, PromVector } from '../support/prometheus';
import { startPrometheus } from '../support/prometheus';

// A real Prometheus scraping a Koa app's /metrics (served by pulse.koa() itself): exact counts per
// route template of nested, prefixed routers, the error ratio, and exemplars that name the slow
// requests' trace ids.

const JOB = 'pulse-koa';
const M = 'http_server_request_duration_seconds';

const byRoute = (v: PromVector): Record<string, number> =>
  Object.fromEntries(v.map((s) => [s.metric.http_route ?? '', s.value]));

describe('Koa HTTP metrics on real Prometheus', () => {
  let pulse: Pulse;
  let server: Server;
  let baseUrl: string;
  let prom: PrometheusHandle;
  const slowTraceIds: string[] = [];

  beforeAll(async () => {
    pulse = createPulse({ serviceName: 'koa-prom', metrics: { registry: new Registry() } });
    const app = new Koa();
    app.use(pulse.koa());
    const items = new Router();
    items.get('/:id', async (ctx) => {
      ctx.body = { ok: true };
    });
    const api = new Router({ prefix: '/api/:version' });
    api.use('/items', items.routes(), items.allowedMethods());
    api.get('/slow', async (ctx) => {
      await sleep(300);
      ctx.body = 'slow';
    });
    api.get('/fail', async () => {
      throw Object.assign(new Error('down'), { status: 503 });
    });
    app.use(api.routes()).use(api.allowedMethods());
    app.on('error', () => undefined); // expected errors: keep Koa's logger quiet
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    baseUrl = `http://127.0.0.1:${port}`;
    prom = await startPrometheus({ targets: [{ job: JOB, address: `127.0.0.1:${port}` }] });
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await pulse?.shutdown();
  });

  it('counts every request per route template, exactly, with the error ratio and exemplars', async () => {
    const requests = [
      ...Array.from({ length: 150 }, (_, i) => ({ method: 'GET', path: `/api/v${i % 3}/items/${i}` })),
      ...Array.from({ length: 15 }, (_, i) => ({ method: 'GET', path: `/api/v${i % 2}/fail` })),
      ...Array.from({ length: 5 }, (_, i) => ({ method: 'GET', path: `/nowhere/${i}` })),
    ];
    const result = await sendRequests({ baseUrl, requests, concurrency: 8 });
    expect(result.errors).toBe(0);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${baseUrl}/api/v1/slow`);
      await res.text();
      slowTraceIds.push(res.headers.get('x-trace-id')!);
    }
    await sleep(1500);
    await prom.waitForScrapes(JOB, 3);
    const t = Date.now() / 1000;

    expect(byRoute(await prom.query(`sum by (http_route) (${M}_count{job="${JOB}"})`, t))).toEqual({
      '/api/:version/items/:id': 150,
      '/api/:version/fail': 15,
      '/api/:version/slow': 3,
      '(unmatched)': 5,
    });
    const ratio = await prom.query(
      `sum(${M}_count{job="${JOB}",http_response_status_code=~"5.."}) / sum(${M}_count{job="${JOB}"})`,
      t,
    );
    expect(ratio[0]!.value).toBeCloseTo(15 / 173, 6);
    const errors = await prom.query(`sum by (error_type, http_route) (pulse_errors_total{job="${JOB}"})`, t);
    expect(errors.map((s) => [s.metric.error_type, s.metric.http_route, s.value])).toEqual([
      ['dependency', '/api/:version/fail', 15],
    ]);

    const series = await prom.queryExemplars(`${M}_bucket{job="${JOB}",http_route="/api/:version/slow"}`, t - 600, t);
    const traceIds = series.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
    expect(traceIds.length).toBeGreaterThan(0);
    for (const id of traceIds) expect(slowTraceIds).toContain(id);
  }, 90_000);
});
