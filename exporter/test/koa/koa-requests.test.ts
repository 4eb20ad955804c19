import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Router from '@koa/router';
import Koa from 'koa';
import { Registry } from 'prom-client';
import { createPulse, currentContext } from '../../src/index';
import type { Pulse } from '../../src/index';
import { sampleSum, sampleValue, sleep } from '../support/app';
import { leastLoopBlockMs } from '../support/loop-block';

// The request path of pulse.koa() on a real Koa 3 server: Pulse's own endpoints, excluded paths,
// HEAD, streamed bodies, aborts, requests in flight, the error paths Koa apps take, and hostile
// input (64 KB paths, junk methods). Koa 2 and the app layouts are covered by koa-apps.test.ts.

const COUNT = 'http_server_request_duration_seconds_count';
const MAX_HEADER_SIZE = 256 * 1024;

let pulse: Pulse;
let server: http.Server;
let base: string;
let port: number;
let releaseSlow: () => void = () => undefined;
const seen: { route?: string; traceId?: string }[] = [];
const appErrors: string[] = [];

beforeAll(async () => {
  pulse = createPulse({
    serviceName: 'koa-requests',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { enabled: false },
    http: { excludePaths: ['/internal/*'] },
  });
  const app = new Koa();
  app.use(pulse.koa());
  // An error middleware that answers errors itself and emits nothing (Koa's own docs show it).
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (ctx.path.startsWith('/captured')) pulse.captureException(err);
      else if (!ctx.path.startsWith('/swallowed')) throw err;
      ctx.status = 502;
      ctx.body = 'upstream failed';
    }
  });
  app.use(async (ctx, next) => {
    if (ctx.path === '/teapot') ctx.throw(418); // before any router
    if (ctx.path.startsWith('/static/'))
      ctx.body = 'file'; // answers without a router (koa-static does)
    else await next();
  });
  const router = new Router();
  router.get('/ctx/:id', async (ctx) => {
    await sleep(2);
    const c = currentContext();
    seen.push({ route: c?.route, traceId: c?.traceId });
    ctx.body = { traceId: c?.traceId };
  });
  router.get('/stream/:n', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = Readable.from(Array.from({ length: Number(ctx.params.n) }, (_, i) => `chunk ${i}\n`));
  });
  router.get('/slow', async (ctx) => {
    await new Promise<void>((r) => (releaseSlow = r));
    ctx.body = 'done';
  });
  router.get('/hang', () => new Promise(() => undefined)); // never answers
  router.get(['/swallowed/:id', '/captured/:id'], async () => {
    throw new Error('upstream down');
  });
  router.get(/^\/files\/(\d+)$/, (ctx) => {
    ctx.body = 'file';
  });
  router.get('/internal/ping', (ctx) => {
    ctx.body = 'pong';
  });
  router.all('/any/:id', (ctx) => {
    ctx.body = 'any';
  });
  app.use(router.routes()).use(router.allowedMethods());
  app.on('error', (err: Error) => appErrors.push(err.message));
  server = http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await pulse.shutdown();
});

const metrics = (): Promise<string> => pulse.renderMetrics();
const settle = (): Promise<void> => sleep(20);

/** One request on its own connection; resolves with status and body. */
function raw(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent: false, maxHeaderSize: MAX_HEADER_SIZE },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe("Pulse's own endpoints", () => {
  it('serves /metrics and /health on the Koa app without mount(), and does not measure them', async () => {
    const m = await fetch(`${base}/metrics`);
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('pulse_internal_errors_total{signal="http"} 0');
    for (const path of ['/METRICS', '/metrics/', '/health', '/health/live', '/health/ready']) {
      const res = await fetch(base + path);
      await res.arrayBuffer();
      expect([path, res.status]).toEqual([path, 200]);
    }
    expect((await raw('HEAD', '/metrics')).status).toBe(200);
    await settle();
    expect(await metrics()).not.toMatch(/http_route="\/(metrics|health)/i);
    expect(sampleSum(await metrics(), COUNT)).toBe(0);
  });

  it('leaves other methods on those paths to the app, unmeasured', async () => {
    expect((await raw('POST', '/metrics')).status).toBe(404);
    await (await fetch(`${base}/internal/ping`)).text(); // an excluded path is routed, not measured
    await settle();
    expect(sampleSum(await metrics(), COUNT)).toBe(0);
  });
});

describe('requests', () => {
  it('runs async handlers in the request context, with the route known when the handler starts', async () => {
    const res = await fetch(`${base}/ctx/7`);
    const body = (await res.json()) as { traceId: string };
    expect(res.headers.get('x-trace-id')).toBe(body.traceId);
    expect(seen.at(-1)).toEqual({ route: '/ctx/:id', traceId: body.traceId });
  });

  it('counts HEAD apart from GET, under the route', async () => {
    expect((await raw('HEAD', '/ctx/1')).status).toBe(200);
    await settle();
    expect(sampleValue(await metrics(), COUNT, { http_request_method: 'HEAD', http_route: '/ctx/:id' })).toBe(1);
  });

  it('records a streamed body once the stream has ended', async () => {
    const { status, body } = await raw('GET', '/stream/500');
    expect(status).toBe(200);
    expect(body.split('\n')).toHaveLength(501);
    await settle();
    const labels = { http_route: '/stream/:n', http_response_status_code: '200' };
    expect(sampleValue(await metrics(), COUNT, labels)).toBe(1);
  });

  it('tracks a request in flight, then records it', async () => {
    const pending = fetch(`${base}/slow`);
    await sleep(50);
    expect(sampleValue(await metrics(), 'http_server_active_requests', { http_request_method: 'GET' })).toBe(1);
    releaseSlow();
    await (await pending).text();
    await settle();
    const text = await metrics();
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
    expect(sampleValue(text, COUNT, { http_route: '/slow', http_response_status_code: '200' })).toBe(1);
  });

  it('counts a request whose client hung up as aborted, under its route', async () => {
    await new Promise<void>((resolve) => {
      const req = http.get(`${base}/hang`);
      req.on('error', () => resolve());
      setTimeout(() => req.destroy(), 50);
    });
    await settle();
    const text = await metrics();
    expect(sampleValue(text, COUNT, { http_route: '/hang', error_type: 'aborted' })).toBe(1);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });
});

describe('routes', () => {
  it('labels a RegExp route with the RegExp text and a response no router made as (unmatched)', async () => {
    await (await fetch(`${base}/files/12`)).text();
    await (await fetch(`${base}/static/app.js`)).text();
    await settle();
    const text = await metrics();
    expect(sampleValue(text, COUNT, { http_route: String.raw`/^\\/files\\/(\\d+)$/` })).toBe(1);
    expect(sampleValue(text, COUNT, { http_route: '(unmatched)', http_response_status_code: '200' })).toBe(1);
  });
});

describe('errors', () => {
  it('counts an error an error middleware swallowed by the status it answered, and leaves the errors signal out', async () => {
    const res = await fetch(`${base}/swallowed/1`);
    expect([res.status, await res.text()]).toEqual([502, 'upstream failed']);
    await settle();
    const text = await metrics();
    expect(sampleValue(text, COUNT, { http_route: '/swallowed/:id', http_response_status_code: '502' })).toBe(1);
    // Not emitted, so neither the app's listener nor Pulse saw it (docs: emit it, or captureException).
    expect(sampleSum(text, 'pulse_errors_total', { http_route: '/swallowed/:id' })).toBe(0);
    expect(appErrors).not.toContain('upstream down');
  });

  it('records an error the middleware passed to captureException() under the route', async () => {
    expect((await fetch(`${base}/captured/1`)).status).toBe(502);
    await settle();
    const text = await metrics();
    expect(sampleValue(text, 'pulse_errors_total', { error_type: 'internal', http_route: '/captured/:id' })).toBe(1);
  });

  it('records ctx.throw() before any router as (unmatched), with its status, and keeps the trace id header', async () => {
    const res = await fetch(`${base}/teapot`);
    expect(res.status).toBe(418);
    expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    await settle();
    const text = await metrics();
    expect(sampleValue(text, COUNT, { http_route: '(unmatched)', http_response_status_code: '418' })).toBe(1);
    expect(sampleValue(text, 'pulse_errors_total', { error_type: 'client', http_route: '(unmatched)' })).toBe(1);
    expect(appErrors).toContain("I'm a Teapot");
  });

  it("keeps Koa's own error logging when the app has no error listener", async () => {
    const p = createPulse({
      serviceName: 'koa-default-log',
      metrics: { registry: new Registry(), defaultMetrics: false },
      runtime: { enabled: false },
      deps: { enabled: false },
      health: { enabled: false },
    });
    const app = new Koa();
    app.use(p.koa());
    app.use(() => {
      throw new Error('nobody listens');
    });
    const logged: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
    const s = app.listen(0, '127.0.0.1');
    try {
      await new Promise((r) => s.once('listening', r));
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/x`);
      expect(res.status).toBe(500);
      await settle();
      expect(logged.filter((l) => l.includes('nobody listens'))).toHaveLength(1); // once, not twice
      expect(sampleValue(await p.renderMetrics(), 'pulse_errors_total', { error_type: 'internal' })).toBe(1);
    } finally {
      spy.mockRestore();
      s.close();
      await p.shutdown();
    }
  });
});

describe('hostile input', () => {
  const KB64 = 64 * 1024;

  it.each([
    ['unmatched', '/' + 'a/'.repeat(KB64 / 2), '404', '(unmatched)'],
    ['a parameter', '/ctx/' + 'x'.repeat(KB64), '200', '/ctx/:id'],
    ['a parameter of slashes and colons', '/any/' + ':%2F'.repeat(KB64 / 4), '200', '/any/:id'],
  ])(
    'a 64 KB path matching %s: counted under its template, no raw value, loop never blocked over 20 ms',
    async (_what, path, status, route) => {
      const before = sampleSum(await metrics(), COUNT, { http_route: route, http_response_status_code: status });
      let answered = 0;
      const blockedMs = await leastLoopBlockMs(async () => {
        answered = (await raw('GET', path)).status;
      }, 20);
      expect(String(answered)).toBe(status);
      expect(blockedMs).toBeLessThanOrEqual(20);
      await settle();
      const text = await metrics();
      expect(sampleSum(text, COUNT, { http_route: route, http_response_status_code: status })).toBeGreaterThan(before);
      expect(text).not.toContain('xxxxxxxx');
      expect(text).not.toContain('a/a/a/a/');
    },
  );

  it('folds junk and unknown methods into _OTHER', async () => {
    for (const method of ['PROPFIND', 'FOO', 'X'.repeat(100)]) await raw(method, '/any/1').catch(() => undefined);
    await settle();
    const text = await metrics();
    const methods = new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith(COUNT))
        .map((l) => /http_request_method="([^"]*)"/.exec(l)?.[1]),
    );
    expect([...methods].every((m) => ['GET', 'HEAD', 'POST', '_OTHER'].includes(m!))).toBe(true);
    expect(sampleSum(text, COUNT, { http_request_method: '_OTHER', http_route: '/any/:id' })).toBeGreaterThanOrEqual(1);
  });
});
