/**
 * Fastify 4 and 5 with `await app.register(pulse.fastify())`, as Fastify apps are written: routes
 * in prefixed plugins, a fastify-plugin-wrapped plugin, shorthand and `fastify.route`, async
 * handlers, real servers on 127.0.0.1, real PostgreSQL. Counts are exact; labels are templates.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createPulse, currentContext } from '../../src/index';
import type { Pulse } from '../../src/index';
import { pulseShippingTo } from '../logs/helpers';
import { sampleSum, sampleValue, sleep } from '../support/app';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { PG } from '../db/support';
import { FASTIFY_VERSIONS } from './fastify-versions';
import type { FastifyFactory } from './fastify-versions';

jest.setTimeout(30_000);

const COUNT = 'http_server_request_duration_seconds_count';
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

class OrderConflict extends Error {
  override name = 'OrderConflict';
  statusCode = 409;
}

/** Routes as a Fastify user splits them: one plugin per feature, registered with a prefix. */
function itemsRoutes(pool: pg.Pool, downstream: () => string) {
  return async function items(f: FastifyInstance) {
    f.get('/', async () => ['a', 'b']);
    f.get('/:itemId', async (req) => ({
      id: (req.params as { itemId: string }).itemId,
      route: currentContext()?.route,
    }));
    f.route({
      method: 'POST',
      url: '/:itemId/orders',
      handler: async (req) => {
        // After Fastify read the JSON body: the query and the call must still see the request.
        const { rows } = await pool.query('SELECT $1::int AS qty, pg_sleep(0.01)', [(req.body as { qty: number }).qty]);
        const res = await fetch(downstream());
        return { qty: rows[0].qty, traceparent: await res.text(), ctx: currentContext()?.traceId };
      },
    });
    f.get('/:itemId/fail', async () => {
      throw new TypeError('price of undefined');
    });
    f.get('/:itemId/conflict', (_req, reply) => {
      reply.send(new OrderConflict('order already placed'));
    });
  };
}

describe.each(FASTIFY_VERSIONS)('%s', (_name, Fastify: FastifyFactory) => {
  let pulse: Pulse;
  let loki: LokiReceiver;
  let app: ReturnType<FastifyFactory>;
  let base: string;
  let pool: pg.Pool;
  let downstream: http.Server;
  const handledByApp: string[] = [];
  let releaseSlow: () => void = () => undefined;

  beforeAll(async () => {
    loki = await startLokiReceiver();
    pool = new pg.Pool({ ...PG, max: 2 });
    downstream = http.createServer((req, res) => res.end(String(req.headers.traceparent)));
    await new Promise<void>((r) => downstream.listen(0, '127.0.0.1', r));
    const downstreamUrl = () => `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/echo`;
    pulse = pulseShippingTo(loki, { db: { pg: true, slowQueries: { thresholdMs: 0 } }, health: { enabled: true } });
    app = Fastify();
    await app.register(pulse.fastify());
    // Registered before the routes below: a plugin shared with the whole app, as fastify-plugin makes it.
    await app.register(
      fp(async (f: FastifyInstance) => {
        f.decorate('audit', (what: string) => what);
        f.addHook('preHandler', async (req) => {
          if (req.headers['x-fail-hook'] !== undefined) throw new Error('hook refused');
        });
      }),
    );
    app.get('/health-of-app', async () => 'ok');
    app.get('/slow', (_req: FastifyRequest, reply: FastifyReply) => {
      releaseSlow = () => reply.send('done');
    });
    app.get('/hang', () => new Promise(() => undefined));
    app.get('/stream', (_req: FastifyRequest, reply: FastifyReply) => {
      reply.type('text/plain').send(Readable.from(['a', 'b', 'c']));
    });
    app.get('/raw/:id', (_req: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      reply.raw.writeHead(203, { 'content-type': 'text/plain' });
      reply.raw.end('raw');
    });
    app.route({ method: 'GET', url: '/v', constraints: { version: '1.0.0' }, handler: async () => 'v1' });
    app.route({ method: 'GET', url: '/v', constraints: { version: '2.0.0' }, handler: async () => 'v2' });
    await app.register(itemsRoutes(pool, downstreamUrl), { prefix: '/api/items' });
    await app.register(
      async (admin: FastifyInstance) => {
        admin.setErrorHandler((err: Error, _req: FastifyRequest, reply: FastifyReply) => {
          handledByApp.push(err.message);
          reply.code(418).send({ teapot: err.message });
        });
        admin.get('/users/:userId', async () => {
          throw new Error('no users here');
        });
      },
      { prefix: '/admin' },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    await pulse.shutdown();
    await pool.end();
    await new Promise((r) => downstream.close(r));
    await loki.stop();
  });

  const metrics = (): Promise<string> => pulse.renderMetrics();
  async function get(path: string, init?: RequestInit): Promise<Response> {
    const res = await fetch(base + path, init);
    await res.arrayBuffer();
    return res;
  }

  it("labels each request with Fastify's route template, prefixes included (a prefix's root route with or without its slash), and folds 404s into (unmatched)", async () => {
    const before = await metrics();
    const counts = (text: string) => ({
      list: sampleSum(text, COUNT, { http_route: '/api/items', http_response_status_code: '200' }),
      item: sampleSum(text, COUNT, { http_route: '/api/items/:itemId', http_response_status_code: '200' }),
      unmatched: sampleSum(text, COUNT, { http_route: '(unmatched)', http_response_status_code: '404' }),
    });
    const was = counts(before);
    for (const path of [
      '/api/items',
      '/api/items/',
      '/api/items/1',
      '/api/items/2',
      '/api/items/3',
      '/nope/1',
      '/nope/2',
    ])
      await get(path);
    await tick();
    const text = await metrics();
    expect(counts(text)).toEqual({ list: was.list + 2, item: was.item + 3, unmatched: was.unmatched + 2 });
    expect(text).not.toMatch(/http_route="\/api\/items\/\d/);
    expect(text).not.toMatch(/http_route="\/nope/);
  });

  it('gives the handler a request context whose route is the template and whose trace id is the response header', async () => {
    const res = await fetch(`${base}/api/items/7`);
    expect(await res.json()).toEqual({ id: '7', route: '/api/items/:itemId' });
    expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps the context through a JSON body: the query and the outgoing call carry the route and trace id', async () => {
    const res = await fetch(`${base}/api/items/5/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ qty: 3 }),
    });
    const body = (await res.json()) as { qty: number; traceparent: string; ctx: string };
    const traceId = res.headers.get('x-trace-id')!;
    expect(body.qty).toBe(3);
    expect(body.ctx).toBe(traceId);
    // The outgoing fetch continued the request's trace (W3C traceparent from the context).
    expect(body.traceparent.split('-')[1]).toBe(traceId);
    await loki.waitFor((entries) =>
      entries.some((e) => e.labels.event_kind === 'slow_query' && e.metadata.trace_id === traceId),
    );
    const slow = loki.events().find((e) => e.labels.event_kind === 'slow_query' && e.metadata.trace_id === traceId);
    expect(slow!.metadata.http_route).toBe('/api/items/:itemId/orders');
    await tick();
    const text = await metrics();
    expect(
      sampleValue(text, 'http_server_request_body_size_bytes_count', {
        http_request_method: 'POST',
        http_route: '/api/items/:itemId/orders',
      }),
    ).toBe(1);
    expect(sampleSum(text, 'pulse_dependency_duration_seconds_count', { dependency_type: 'http' })).toBeGreaterThan(0);
  });

  it('records errors from async handlers, reply.send(err) and hooks once each, with their route and status', async () => {
    const before = await metrics();
    const errors = (text: string, type: string, route: string) =>
      sampleSum(text, 'pulse_errors_total', { error_type: type, http_route: route });
    const was = {
      fail: errors(before, 'internal', '/api/items/:itemId/fail'),
      conflict: errors(before, 'conflict', '/api/items/:itemId/conflict'),
      hook: errors(before, 'internal', '/health-of-app'),
    };
    expect((await get('/api/items/1/fail')).status).toBe(500);
    expect((await get('/api/items/1/conflict')).status).toBe(409);
    expect((await get('/health-of-app', { headers: { 'x-fail-hook': '1' } })).status).toBe(500);
    await tick();
    const text = await metrics();
    expect(errors(text, 'internal', '/api/items/:itemId/fail')).toBe(was.fail + 1);
    expect(errors(text, 'conflict', '/api/items/:itemId/conflict')).toBe(was.conflict + 1);
    expect(errors(text, 'internal', '/health-of-app')).toBe(was.hook + 1);
    expect(
      sampleSum(text, COUNT, {
        http_route: '/api/items/:itemId/fail',
        http_response_status_code: '500',
        error_type: '500',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleSum(text, COUNT, {
        http_route: '/api/items/:itemId/conflict',
        http_response_status_code: '409',
        error_type: '',
      }),
    ).toBeGreaterThanOrEqual(1);
    await loki.waitFor((entries) =>
      entries.some((e) => e.labels.event_kind === 'error' && e.metadata.http_route === '/api/items/:itemId/fail'),
    );
    const event = loki
      .events()
      .find((e) => e.labels.event_kind === 'error' && e.metadata.http_route === '/api/items/:itemId/fail')!;
    expect(event.metadata).toMatchObject({ http_request_method: 'GET', http_response_status_code: '500' });
    expect(event.json).toMatchObject({ origin: 'fastify', handled: true, error_class: 'TypeError' });
  });

  it("leaves the app's own setErrorHandler in charge of the answer", async () => {
    const res = await fetch(`${base}/admin/users/3`);
    expect(res.status).toBe(418);
    expect(await res.json()).toEqual({ teapot: 'no users here' });
    expect(handledByApp).toEqual(['no users here']);
    await tick();
    const text = await metrics();
    expect(
      sampleValue(text, 'pulse_errors_total', { error_type: 'internal', http_route: '/admin/users/:userId' }),
    ).toBe(1);
    expect(sampleValue(text, COUNT, { http_route: '/admin/users/:userId', http_response_status_code: '418' })).toBe(1);
  });

  it("serves /metrics and /health (GET and HEAD) before the app's routes and never counts them as traffic", async () => {
    const m = await fetch(`${base}/metrics`);
    expect(m.status).toBe(200);
    expect(await m.text()).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect((await get('/metrics', { method: 'HEAD' })).status).toBe(200);
    expect((await get('/health')).status).toBe(200);
    await tick();
    const text = await metrics();
    expect(text).not.toMatch(/http_route="\/metrics"/);
    expect(text).not.toMatch(/http_route="\/health["/]/);
  });

  it('shares one template between the versions of a versioned route', async () => {
    const v1 = await fetch(`${base}/v`, { headers: { 'accept-version': '1.x' } });
    const v2 = await fetch(`${base}/v`, { headers: { 'accept-version': '2.x' } });
    expect([await v1.text(), await v2.text()]).toEqual(['v1', 'v2']);
    await tick();
    expect(sampleValue(await metrics(), COUNT, { http_route: '/v', http_response_status_code: '200' })).toBe(2);
  });

  it('counts HEAD, streamed and hijacked responses once each with their own status', async () => {
    expect((await get('/api/items/9', { method: 'HEAD' })).status).toBe(200);
    expect(await (await fetch(`${base}/stream`)).text()).toBe('abc');
    expect((await get('/raw/1')).status).toBe(203);
    await tick();
    const text = await metrics();
    expect(sampleValue(text, COUNT, { http_request_method: 'HEAD', http_route: '/api/items/:itemId' })).toBe(1);
    expect(sampleValue(text, COUNT, { http_route: '/stream', http_response_status_code: '200' })).toBe(1);
    expect(sampleValue(text, COUNT, { http_route: '/raw/:id', http_response_status_code: '203' })).toBe(1);
  });

  it('tracks requests in flight and counts a hung-up client as aborted', async () => {
    const pending = fetch(`${base}/slow`);
    await sleep(50);
    expect(sampleValue(await metrics(), 'http_server_active_requests', { http_request_method: 'GET' })).toBe(1);
    releaseSlow();
    await (await pending).text();
    await new Promise<void>((resolve) => {
      const req = http.get(`${base}/hang`);
      req.on('error', () => resolve());
      setTimeout(() => req.destroy(), 50);
    });
    await sleep(50);
    const text = await metrics();
    expect(
      sampleValue(text, COUNT, { http_route: '/hang', error_type: 'aborted', http_response_status_code: '' }),
    ).toBe(1);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });

  it('folds unknown methods into _OTHER', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${base}/api/items/1`, { method: 'PROPFIND' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await tick();
    expect(sampleSum(await metrics(), COUNT, { http_request_method: '_OTHER' })).toBe(1);
  });
});

describe.each(FASTIFY_VERSIONS)('%s: where the plugin is registered', (_name, Fastify: FastifyFactory) => {
  it('templates routes registered before the plugin too', async () => {
    const pulse = createPulse({
      serviceName: 'fastify-order',
      metrics: { registry: new Registry(), defaultMetrics: false },
    });
    const app = Fastify();
    app.get('/early/:id', async () => 'early');
    await app.register(pulse.fastify());
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      for (const id of [1, 2]) await (await fetch(`http://127.0.0.1:${port}/early/${id}`)).text();
      await tick();
      expect(sampleValue(await pulse.renderMetrics(), COUNT, { http_route: '/early/:id' })).toBe(2);
    } finally {
      await app.close();
      await pulse.shutdown();
    }
  });
});

// Fastify 5's inject() (light-my-request 6) loads an ES-module-only cookie parser that this jest
// setup cannot parse, so inject() is exercised on Fastify 4 here.
it("answers Fastify 4's inject() requests and leaves none in flight", async () => {
  const pulse = createPulse({
    serviceName: 'fastify-inject',
    metrics: { registry: new Registry(), defaultMetrics: false },
  });
  const app = FASTIFY_VERSIONS[0]![1]();
  await app.register(pulse.fastify());
  app.get('/injected/:id', async () => 'ok');
  try {
    const res = await app.inject({ method: 'GET', url: '/injected/1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    await tick();
    const text = await pulse.renderMetrics();
    expect(sampleSum(text, COUNT, { http_route: '/injected/:id' })).toBe(1);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  } finally {
    await app.close();
    await pulse.shutdown();
  }
});
