import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ChildApp } from '../package/child-app';
import {
  makeAppDir,
  removeAppDir,
  repoRoot,
  requestCounts,
  scrape,
  startApp,
  workspaceModules,
} from '../package/child-app';
import { parseSamples } from '../support/app';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';

// Koa apps laid out as Koa users lay them out (test/koa/apps): routers in their own modules,
// nested with `router.use('/items', items.routes())` under `new Router({ prefix: '/api/:version' })`,
// allowedMethods(), a body parser (@koa/bodyparser in the ESM app, koa-bodyparser in the CommonJS
// one), an error middleware that answers one error and emits it, the app's own `error` listener,
// a pg query and an outgoing fetch in an async handler. Each runs with plain Node against the
// built package on Koa 2 and Koa 3, with @koa/router 15.

const fixtures = join(__dirname, 'apps');
const KOA = [
  ['Koa 3', join(workspaceModules, 'koa')],
  ['Koa 2', join(workspaceModules, 'koa2')],
] as const;
const FLAVOURS = [
  ['ESM', 'esm', '@koa/bodyparser'],
  ['CommonJS', 'cjs', 'koa-bodyparser'],
] as const;

type Request = [method: string, path: string, body?: unknown, headers?: Record<string, string>];
const REQUESTS: Request[] = [
  ['GET', '/api/v1/items'],
  ['POST', '/api/v1/items', { name: 'lamp' }],
  ['GET', '/api/v1/items/42'],
  ['GET', '/api/v2/items/43'],
  ['GET', '/api/v1/items/42/reviews/7'],
  ['GET', '/api/v1/items/42/fail'],
  ['GET', '/api/v1/items/42/gone'],
  ['GET', '/api/v1/status'],
  ['HEAD', '/api/v1/status'],
  ['DELETE', '/api/v1/status'],
  ['GET', '/admin/users/9', undefined, { 'x-role': 'admin' }],
  ['GET', '/admin/users/10'],
  ['GET', '/nowhere'],
  ['GET', '/metrics'],
  ['GET', '/health'],
];
const SERIES = {
  'GET /api/:version/items 200': 1,
  'POST /api/:version/items 201': 1,
  'GET /api/:version/items/:itemId 200': 2,
  'GET /api/:version/items/:itemId/reviews/:reviewId 200': 1,
  'GET /api/:version/items/:itemId/fail 500': 1,
  'GET /api/:version/items/:itemId/gone 404': 1,
  'GET /api/:version/status 200': 1,
  'HEAD /api/:version/status 200': 1,
  // allowedMethods() answers 405 for a path whose routes take other methods: no route ran.
  'DELETE (unmatched) 405': 1,
  'GET /admin/users/:userId 200': 1,
  // The router-level middleware rejected it: the route the router matched, not the middleware's path.
  'GET /admin/users/:userId 403': 1,
  'GET (unmatched) 404': 1,
};
const STATUSES = [200, 201, 200, 200, 200, 500, 404, 200, 200, 405, 200, 403, 404, 200, 200];

async function send(baseUrl: string, [method, path, body, headers]: Request): Promise<Response> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res;
}

function errorCounts(exposition: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of parseSamples(exposition)) {
    if (s.name === 'pulse_errors_total') counts[`${s.labels.error_type} ${s.labels.http_route}`] = s.value;
  }
  return counts;
}

/** A dependency the app calls: records the traceparent of every request. */
async function startDownstream(): Promise<{ url: string; traceparents: string[]; stop(): Promise<void> }> {
  const traceparents: string[] = [];
  const server = http.createServer((req, res) => {
    traceparents.push(String(req.headers.traceparent));
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stock`,
    traceparents,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

describe.each(KOA)('apps on %s', (_koa, koaDir) => {
  describe.each(FLAVOURS)('%s with %s', (_flavour, folder, bodyParser) => {
    let dir: string;
    let app: ChildApp | undefined;
    let loki: LokiReceiver;
    let downstream: Awaited<ReturnType<typeof startDownstream>>;

    beforeAll(async () => {
      dir = makeAppDir(join(fixtures, folder), {
        koa: koaDir,
        '@koa/router': join(workspaceModules, '@koa/router'),
        [bodyParser]: join(workspaceModules, bodyParser),
        pg: join(workspaceModules, 'pg'),
        '@pulse-apm/exporter': join(repoRoot, 'exporter'),
      });
      [loki, downstream] = await Promise.all([startLokiReceiver(), startDownstream()]);
      app = await startApp(dir, 'app.js', { env: { LOKI_URL: loki.url, DOWNSTREAM_URL: downstream.url } });
    });
    afterAll(async () => {
      await app?.stop();
      await Promise.all([loki?.stop(), downstream?.stop()]);
      removeAppDir(dir);
    });

    it('labels every request with its route template, mount paths and prefixes included, exactly', async () => {
      const statuses: number[] = [];
      for (const request of REQUESTS) statuses.push((await send(app!.baseUrl, request)).status);
      expect(statuses).toEqual(STATUSES);
      const exposition = await scrape(app!.metricsUrl);
      expect(requestCounts(exposition)).toEqual(SERIES);
      // Thrown errors (Koa answered them) and the one the error middleware answered and emitted.
      expect(errorCounts(exposition)).toEqual({
        'internal /api/:version/items/:itemId/fail': 1,
        'not_found /api/:version/items/:itemId/gone': 1,
        'auth /admin/users/:userId': 1,
      });
      // The app's own listener still sees each error once; Pulse writes nothing to stderr.
      expect(app!.stderr().trim().split('\n').sort()).toEqual([
        'app error: admins only',
        'app error: no such item',
        'app error: stock service exploded',
      ]);
    });

    it('runs a pg query and an outgoing fetch after body parsing under the route and trace id', async () => {
      const res = await send(app!.baseUrl, ['POST', '/api/v3/items/5/stock', { qty: 3 }]);
      expect(res.status).toBe(200);
      const traceId = res.headers.get('x-trace-id')!;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      // The outgoing call continued the request's trace.
      expect(downstream.traceparents.at(-1)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
      // The query's event names the route and the trace (every query is "slow" in this app).
      await loki.waitFor((entries) => entries.some((e) => e.metadata.trace_id === traceId));
      const query = loki.events().find((e) => e.labels.event_kind === 'slow_query' && e.metadata.trace_id === traceId);
      expect(query?.metadata.http_route).toBe('/api/:version/items/:itemId/stock');
      expect(requestCounts(await scrape(app!.metricsUrl))['POST /api/:version/items/:itemId/stock 200']).toBe(1);
    });

    it('ships each error event with its route, trace id and origin koa', async () => {
      const res = await send(app!.baseUrl, ['GET', '/api/v9/items/1/fail']);
      expect(res.status).toBe(500);
      const traceId = res.headers.get('x-trace-id')!; // kept on Koa's error response
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      await loki.waitFor((entries) => entries.some((e) => e.metadata.trace_id === traceId));
      const event = loki.events().find((e) => e.labels.event_kind === 'error' && e.metadata.trace_id === traceId);
      expect(event?.metadata).toMatchObject({
        http_route: '/api/:version/items/:itemId/fail',
        error_type: 'internal',
        http_response_status_code: '500',
      });
      expect(event?.json).toMatchObject({ origin: 'koa', handled: true, msg: 'stock service exploded' });
      expect(JSON.stringify(event?.json.request)).toContain('/api/v9/items/1/fail');
    });
  });
});
