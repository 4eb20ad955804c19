/**
 * Pulse's endpoints on Fastify 4 and 5 answer before the app's routes, whatever the order, as
 * `pulse.mount(app)` has them on Express and the Koa middleware does: an app with its own
 * `GET /health` and `GET /metrics`, registered before or after the plugin, starts (Fastify used to
 * refuse a duplicate route at startup), Pulse answers GET and HEAD there, other methods reach the
 * app, and none of it is counted as traffic. `health.path` and `metrics.path` move Pulse's
 * endpoints away, and the app's own routes answer and are counted. Real servers on 127.0.0.1.
 */
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse, PulseOptions } from '../../src/index';
import { sampleSum, sleep } from '../support/app';
import { FASTIFY_VERSIONS } from './fastify-versions';
import type { FastifyFactory } from './fastify-versions';
import type { FastifyApp } from './support/server';
import { listenOnLoopback, rawRequest } from './support/server';

jest.setTimeout(30_000);

const COUNT = 'http_server_request_duration_seconds_count';
/** A line Pulse's /metrics always has, requests or not. */
const EXPOSITION = 'pulse_internal_errors_total{signal="http"} 0';
const settle = (): Promise<void> => sleep(20);

const ORDERS = [
  ['before', 'registered before the plugin'],
  ['after', 'registered after the plugin'],
] as const;

function newPulse(options: Partial<PulseOptions> = {}): Pulse {
  return createPulse({
    serviceName: 'fastify-own-endpoints',
    metrics: { registry: new Registry(), defaultMetrics: false, ...options.metrics },
    runtime: { enabled: false },
    deps: { enabled: false },
    ...(options.health && { health: options.health }),
  });
}

/** The app's own probe and metrics routes, as an app that had them before Pulse declares them. */
function ownRoutes(app: FastifyApp, answered: string[]): void {
  app.get('/health', async () => {
    answered.push('GET /health');
    return { app: 'health' };
  });
  app.get('/metrics', async () => {
    answered.push('GET /metrics');
    return 'app metrics';
  });
  app.post('/metrics', async () => {
    answered.push('POST /metrics');
    return 'app post';
  });
}

/** The rest of the app: a prefixed route plugin. */
async function items(api: FastifyInstance): Promise<void> {
  api.get('/:itemId', async (req) => ({ id: (req.params as { itemId: string }).itemId }));
}

async function buildApp(
  Fastify: FastifyFactory,
  pulse: Pulse,
  order: 'before' | 'after',
  answered: string[],
): Promise<FastifyApp> {
  const app = Fastify();
  if (order === 'before') ownRoutes(app, answered);
  await app.register(pulse.fastify());
  if (order === 'after') ownRoutes(app, answered);
  await app.register(items, { prefix: '/api/items' });
  return app;
}

describe.each(FASTIFY_VERSIONS)('%s', (_name, Fastify: FastifyFactory) => {
  describe.each(ORDERS)("the app's own GET /health and GET /metrics %s, on Pulse's paths", (order) => {
    let pulse: Pulse;
    let app: FastifyApp;
    let port: number;
    const answered: string[] = [];

    beforeAll(async () => {
      pulse = newPulse();
      app = await buildApp(Fastify, pulse, order, answered);
      port = await listenOnLoopback(app); // Fastify threw FST_ERR_DUPLICATED_ROUTE here before
    });
    afterAll(async () => {
      await app.close();
      await pulse.shutdown();
    });

    it('the app starts, and Pulse answers GET /metrics, /health, /health/live and /health/ready', async () => {
      const m = await rawRequest(port, 'GET', '/metrics');
      expect(m.status).toBe(200);
      expect(m.body).toContain(EXPOSITION);
      for (const path of ['/health', '/health/live', '/health/ready']) {
        const res = await rawRequest(port, 'GET', path);
        expect([path, res.status, res.headers['content-type']]).toEqual([path, 200, 'application/json; charset=utf-8']);
        expect(JSON.parse(res.body)).not.toEqual({ app: 'health' });
      }
      expect(answered).toEqual([]);
    });

    it('answers HEAD from Pulse too, with headers and no body', async () => {
      const m = await rawRequest(port, 'HEAD', '/metrics');
      expect([m.status, m.body]).toEqual([200, '']);
      expect(m.headers['content-type']).toMatch(/^text\/plain/);
      const h = await rawRequest(port, 'HEAD', '/health');
      expect([h.status, h.body, h.headers['content-type']]).toEqual([200, '', 'application/json; charset=utf-8']);
      expect(answered).toEqual([]);
    });

    it('answers them in any case, with a trailing slash and with a query string, as Express routes them', async () => {
      for (const path of ['/METRICS', '/metrics/', '/Metrics?name=x']) {
        const res = await rawRequest(port, 'GET', path);
        expect([path, res.status, res.body.includes(EXPOSITION)]).toEqual([path, 200, true]);
      }
      const h = await rawRequest(port, 'GET', '/Health/');
      expect([h.status, h.body.includes('"app"')]).toEqual([200, false]);
      expect(answered).toEqual([]);
    });

    it("leaves other methods on those paths to the app's routes", async () => {
      const res = await rawRequest(port, 'POST', '/metrics');
      expect([res.status, res.body]).toEqual([200, 'app post']);
      expect(answered).toEqual(['POST /metrics']);
      answered.length = 0;
    });

    it("never counts requests on Pulse's paths; the app's other requests are counted exactly", async () => {
      const before = sampleSum(await pulse.renderMetrics(), COUNT);
      for (const [method, path] of [
        ['GET', '/metrics'],
        ['HEAD', '/health'],
        ['GET', '/health/ready'],
        ['POST', '/metrics'],
        ['GET', '/api/items/1'],
        ['GET', '/api/items/2'],
        ['GET', '/nowhere'],
      ] as const)
        await rawRequest(port, method, path);
      await settle();
      const text = await pulse.renderMetrics();
      expect(sampleSum(text, COUNT)).toBe(before + 3);
      expect(sampleSum(text, COUNT, { http_route: '/api/items/:itemId', http_response_status_code: '200' })).toBe(2);
      expect(sampleSum(text, COUNT, { http_route: '(unmatched)', http_response_status_code: '404' })).toBe(1);
      expect(text).not.toMatch(/http_route="[^"]*(metrics|health)/i);
    });
  });

  describe.each(ORDERS)("health.path and metrics.path move Pulse's endpoints; the app's own routes %s", (order) => {
    let pulse: Pulse;
    let app: FastifyApp;
    let port: number;
    const answered: string[] = [];

    beforeAll(async () => {
      pulse = newPulse({ metrics: { path: '/_pulse/metrics' }, health: { path: '/_pulse/health' } });
      app = await buildApp(Fastify, pulse, order, answered);
      port = await listenOnLoopback(app);
    });
    afterAll(async () => {
      await app.close();
      await pulse.shutdown();
    });

    it('the app answers /health and /metrics, counted under its routes; Pulse answers at its own paths, uncounted', async () => {
      expect(await rawRequest(port, 'GET', '/health')).toMatchObject({ status: 200, body: '{"app":"health"}' });
      expect(await rawRequest(port, 'GET', '/metrics')).toMatchObject({ status: 200, body: 'app metrics' });
      expect(answered).toEqual(['GET /health', 'GET /metrics']);
      const m = await rawRequest(port, 'GET', '/_pulse/metrics');
      expect([m.status, m.body.includes(EXPOSITION)]).toEqual([200, true]);
      expect((await rawRequest(port, 'GET', '/_pulse/health/live')).status).toBe(200);
      expect((await rawRequest(port, 'HEAD', '/_pulse/health')).status).toBe(200);
      await settle();
      const text = await pulse.renderMetrics();
      expect(sampleSum(text, COUNT, { http_route: '/health', http_response_status_code: '200' })).toBe(1);
      expect(sampleSum(text, COUNT, { http_route: '/metrics', http_response_status_code: '200' })).toBe(1);
      expect(sampleSum(text, COUNT)).toBe(2);
    });
  });
});

// Fastify 5's inject() (light-my-request 6) loads an ES-module-only cookie parser that this jest
// setup cannot parse, so inject() is exercised on Fastify 4 here.
it("answers Pulse's endpoints to Fastify 4's inject(), beside the app's own /health", async () => {
  const pulse = newPulse();
  const answered: string[] = [];
  const app = await buildApp(FASTIFY_VERSIONS[0]![1], pulse, 'after', answered);
  try {
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect([m.statusCode, m.body.includes(EXPOSITION)]).toEqual([200, true]);
    const h = await app.inject({ method: 'HEAD', url: '/health' });
    // Pulse's answer (light-my-request keeps a HEAD body node:http would drop; HEAD over HTTP is above).
    expect([h.statusCode, JSON.parse(h.body)]).toEqual([200, { status: 'healthy', checks: {} }]);
    expect((await app.inject({ method: 'GET', url: '/api/items/3' })).statusCode).toBe(200);
    expect(answered).toEqual([]);
    await settle();
    const text = await pulse.renderMetrics();
    expect(sampleSum(text, COUNT)).toBe(1);
    expect(sampleSum(text, COUNT, { http_route: '/api/items/:itemId' })).toBe(1);
  } finally {
    await app.close();
    await pulse.shutdown();
  }
});
