/**
 * /health, /health/live and /health/ready served by pulse.mount(app) on a real Express app.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createPulse, type Pulse } from '../../src/index';
import { histogramCount } from '../deps/series';

const pulses: Pulse[] = [];
function appWith(health: Parameters<typeof createPulse>[0]['health'] = {}): { app: express.Express; pulse: Pulse } {
  const pulse = createPulse({
    serviceName: 'health-endpoints-test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { enabled: false },
    health,
  });
  pulses.push(pulse);
  const app = express();
  app.use(pulse.middleware());
  app.get('/api/ping', (_req, res) => {
    res.json({ ok: true });
  });
  pulse.mount(app);
  return { app, pulse };
}
afterAll(async () => {
  await Promise.all(pulses.map((p) => p.shutdown()));
});

test('GET /health: 200 healthy, 207 degraded, 503 unhealthy, with per-check status, latency and error', async () => {
  const { app, pulse } = appWith({ details: 'public' });
  let db = true;
  let cache = true;
  pulse.health.add({ name: 'db', check: () => db });
  pulse.health.add({ name: 'cache', critical: false, check: () => cache });
  await pulse.health.run();

  let res = await request(app).get('/health');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toMatchObject({ status: 'healthy', ready: true, shuttingDown: false });
  expect(res.body.uptimeSeconds).toBeGreaterThan(0);
  expect(res.body.checks.db).toMatchObject({ status: 'healthy', critical: true });
  expect(typeof res.body.checks.db.latencyMs).toBe('number');

  cache = false;
  await pulse.health.run();
  res = await request(app).get('/health');
  expect(res.status).toBe(207);
  expect(res.body.status).toBe('degraded');
  expect(res.body.checks.cache).toMatchObject({ status: 'unhealthy', error: 'check returned false' });

  db = false;
  await pulse.health.run();
  res = await request(app).get('/health');
  expect(res.status).toBe(503);
  expect(res.body.status).toBe('unhealthy');
});

test('degraded can answer 200 for probes that want 2xx', async () => {
  const { app, pulse } = appWith({ degradedStatusCode: 200 });
  pulse.health.add({ name: 'optional', critical: false, check: () => false });
  await pulse.health.run();
  const res = await request(app).get('/health');
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('degraded');
});

test('?verbose=true adds details and history', async () => {
  const { app, pulse } = appWith({ details: 'public' });
  pulse.health.add({ name: 'db', check: () => ({ details: { pool: { inUse: 1, max: 10 } } }) });
  await pulse.health.run();
  await pulse.health.run();
  const plain = await request(app).get('/health');
  expect(plain.body.checks.db.history).toBeUndefined();
  const res = await request(app).get('/health?verbose=true');
  expect(res.body.checks.db.details).toEqual({ pool: { inUse: 1, max: 10 } });
  expect(res.body.checks.db.history.length).toBeGreaterThanOrEqual(2);
  expect(res.body.checks.db).toMatchObject({ uptime: 1, flapping: false, consecutiveFailures: 0 });
});

test('/health/ready: 503 while a critical check fails, 200 when a non-critical one does', async () => {
  const { app, pulse } = appWith();
  let db = false;
  pulse.health.add({ name: 'db', check: () => db });
  pulse.health.add({ name: 'cache', critical: false, check: () => false });
  await pulse.health.run();
  let res = await request(app).get('/health/ready');
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'not_ready', reason: 'critical_check_failing', failing: ['db'] });
  db = true;
  await pulse.health.run();
  res = await request(app).get('/health/ready');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'ready' });
});

test('graceful shutdown: pulse.health.shutdown() turns ready to 503; live and /health keep answering', async () => {
  const { app, pulse } = appWith({ details: 'public' });
  pulse.health.add({ name: 'db', check: () => true });
  await pulse.health.run();
  expect((await request(app).get('/health/ready')).status).toBe(200);
  pulse.health.shutdown();
  const ready = await request(app).get('/health/ready');
  expect(ready.status).toBe(503);
  expect(ready.body.reason).toBe('shutting_down');
  expect((await request(app).get('/health/live')).status).toBe(200);
  const health = await request(app).get('/health');
  expect(health.status).toBe(200);
  expect(health.body).toMatchObject({ ready: false, shuttingDown: true });
});

test('pulse.shutdown() drains: ready is 503 for drainDelay before the rest of the shutdown', async () => {
  const { app, pulse } = appWith({ drainDelay: 300 });
  pulse.health.add({ name: 'db', check: () => true });
  await pulse.health.run();
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    const started = performance.now();
    const shutdown = pulse.shutdown();
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(503);
    await shutdown;
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  } finally {
    server.close();
  }
});

test('/health/live answers 503 right after the event loop was blocked past the limit', async () => {
  const { app } = appWith({ liveMaxEventLoopDelay: 300 });
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    const first = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'alive' });
    // The loop is blocked for 1 s before the request even leaves (client and server share it).
    const pending = fetch(`http://127.0.0.1:${port}/health/live`);
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      // busy: the event loop is stuck
    }
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'event_loop_stuck' });
  } finally {
    server.close();
  }
});

test('health.auth unlocks details; wrong credentials get a 401 on every endpoint, none get the summary', async () => {
  const { app, pulse } = appWith({ auth: { bearerToken: 'health-secret' } });
  pulse.health.add({ name: 'db', check: () => true });
  await pulse.health.run();
  for (const path of ['/health', '/health/live', '/health/ready']) {
    const denied = await request(app).get(path).set('Authorization', 'Bearer wrong');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/Bearer/);
    const allowed = await request(app).get(path).set('Authorization', 'Bearer health-secret');
    expect(allowed.status).toBe(200);
    expect((await request(app).get(path)).status).toBe(200);
  }
  expect((await request(app).get('/health')).body).toEqual({
    status: 'healthy',
    checks: { db: { status: 'healthy' } },
  });
  const detailed = await request(app).get('/health').set('Authorization', 'Bearer health-secret');
  expect(detailed.body.checks.db).toMatchObject({ status: 'healthy', critical: true });
});

test('a custom base path moves all three endpoints', async () => {
  const { app } = appWith({ path: '/_status' });
  expect((await request(app).get('/_status/live')).status).toBe(200);
  expect((await request(app).get('/_status')).status).toBe(200);
  expect((await request(app).get('/health')).status).toBe(404);
});

test('health probes are not counted as HTTP traffic; app routes are', async () => {
  const { app, pulse } = appWith();
  await request(app).get('/health');
  await request(app).get('/health/live');
  await request(app).get('/health/ready');
  await request(app).get('/api/ping');
  const total = histogramCount(pulse.registry, 'http_server_request_duration_seconds');
  expect(total).toBe(1);
  expect(histogramCount(pulse.registry, 'http_server_request_duration_seconds', { http_route: '/api/ping' })).toBe(1);
});

test('health.enabled: false serves no endpoints, and the registry still works', async () => {
  const { app, pulse } = appWith({ enabled: false });
  expect((await request(app).get('/health')).status).toBe(404);
  pulse.health.add({ name: 'x', check: () => true });
  expect((await pulse.health.run()).checks.x?.status).toBe('healthy');
});
