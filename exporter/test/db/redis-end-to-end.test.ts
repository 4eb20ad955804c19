/**
 * Redis through the whole product: createPulse({ db: { ioredis: true, redis: true } }) on an
 * Express app whose router (its own module, async handlers) reads from Redis with each client
 * (ioredis, node-redis 6 and node-redis 4);
 * a real Prometheus scrapes /metrics. A loop of awaited GETs in one request is an N+1 with the
 * route template; the same GETs issued together are not.
 */
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { createClient } from 'redis';
// node-redis 4, loaded before createPulse: `redis: true` finds its @redis/client 1.x copy too.
import { createClient as createClient4 } from 'redis4';
import request from 'supertest';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import type { RunningApp } from '../support/app';
import { listen } from '../support/app';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import type { PrometheusHandle } from '../support/prometheus';
import { startPrometheus } from '../support/prometheus';
import { createApp } from './fixtures/redis-app/app';
import type { CatalogStore } from './fixtures/redis-app/routes/catalog';

jest.setTimeout(60_000);

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOB = 'pulse-redis-e2e';
const prefix = `pulse:e2e:${randomBytes(4).toString('hex')}:`;
const RELATED = 6;
let loki: LokiReceiver;
let ioredis: IORedis;
let nodeRedis: ReturnType<typeof createClient>;
let nodeRedis4: ReturnType<typeof createClient4>;
let pulse: Pulse;
let server: RunningApp;
let prom: PrometheusHandle;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  loki = await startLokiReceiver();
  pulse = createPulse({
    serviceName: 'redis-e2e',
    metrics: { registry: new Registry(), defaultMetrics: false },
    logs: { loki: { url: loki.url, format: 'json', batchIntervalMs: 100 }, signals: [] },
    db: { ioredis: true, redis: true },
  });
  ioredis = new IORedis(URL);
  nodeRedis = createClient({ url: URL });
  await nodeRedis.connect();
  nodeRedis4 = createClient4({ url: URL });
  await nodeRedis4.connect();
  const ids = Array.from({ length: RELATED }, (_, i) => String(100 + i));
  await ioredis.sadd(`${prefix}related:1`, ...ids);
  for (const id of ids) await ioredis.set(`${prefix}name:${id}`, `Product ${id}`);

  const io: CatalogStore = {
    related: (id) => ioredis.smembers(`${prefix}related:${id}`),
    name: (id) => ioredis.get(`${prefix}name:${id}`),
    names: (ids) => Promise.all(ids.map((id) => ioredis.get(`${prefix}name:${id}`))),
  };
  const nr: CatalogStore = {
    related: (id) => nodeRedis.sMembers(`${prefix}related:${id}`),
    name: (id) => nodeRedis.get(`${prefix}name:${id}`),
    names: (ids) => Promise.all(ids.map((id) => nodeRedis.get(`${prefix}name:${id}`))),
  };
  const nr4: CatalogStore = {
    related: (id) => nodeRedis4.sMembers(`${prefix}related:${id}`),
    name: (id) => nodeRedis4.get(`${prefix}name:${id}`),
    names: (ids) => Promise.all(ids.map((id) => nodeRedis4.get(`${prefix}name:${id}`))),
  };
  app = createApp(pulse, { io, nr, nr4 });
  server = await listen(app);
  prom = await startPrometheus({ targets: [{ job: JOB, address: `127.0.0.1:${server.port}` }] });
});

afterAll(async () => {
  await prom?.stop();
  await server?.close();
  const keys = await ioredis?.keys(`${prefix}*`);
  if (keys?.length) await ioredis.del(...keys);
  await ioredis?.quit();
  await nodeRedis?.quit();
  await nodeRedis4?.quit();
  await pulse?.shutdown();
  await loki?.stop();
});

it('counts the commands per route and finds the N+1 loop, for each client, in Prometheus', async () => {
  for (const client of ['io', 'nr', 'nr4']) {
    const names = await request(app).get(`/api/${client}/products/1/related`).expect(200);
    expect(names.body).toHaveLength(RELATED);
    await request(app).get(`/api/${client}/products/1/related-batched`).expect(200);
  }

  await loki.waitFor((entries) => entries.filter((e) => e.labels.event_kind === 'n_plus_one').length >= 3);
  const n1 = loki.events().filter((e) => e.labels.event_kind === 'n_plus_one');
  expect(n1.map((e) => e.metadata.http_route).sort()).toEqual([
    '/api/io/products/:id/related',
    '/api/nr/products/:id/related',
    '/api/nr4/products/:id/related',
  ]);
  for (const finding of n1) {
    expect(finding.json).toMatchObject({ db_system_name: 'redis', db_operation_name: 'GET', count: RELATED });
    expect(JSON.stringify(finding.json)).not.toContain(prefix);
  }

  await prom.waitForScrapes(JOB, 2);
  const deadline = Date.now() + 15_000;
  let perRoute: Record<string, number> = {};
  while (Date.now() < deadline) {
    const v = await prom.query(
      `sum by (http_route) (pulse_db_route_queries_total{job="${JOB}",db_system_name="redis",db_operation_name="GET"})`,
    );
    perRoute = Object.fromEntries(v.map((s) => [s.metric.http_route, s.value]));
    if (Object.keys(perRoute).length === 6) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(perRoute).toEqual({
    '/api/io/products/:id/related': RELATED,
    '/api/io/products/:id/related-batched': RELATED,
    '/api/nr/products/:id/related': RELATED,
    '/api/nr/products/:id/related-batched': RELATED,
    '/api/nr4/products/:id/related': RELATED,
    '/api/nr4/products/:id/related-batched': RELATED,
  });
  const findings = await prom.query(`sum by (http_route) (pulse_db_n_plus_one_total{job="${JOB}"})`);
  expect(Object.fromEntries(findings.map((s) => [s.metric.http_route, s.value]))).toEqual({
    '/api/io/products/:id/related': 1,
    '/api/nr/products/:id/related': 1,
    '/api/nr4/products/:id/related': 1,
  });
  const connected = await prom.query(
    `sum(db_client_connection_count{job="${JOB}",db_client_connection_pool_name="127.0.0.1:6379/0"})`,
  );
  expect(connected[0]?.value).toBe(3);
  const scrapeText = await request(app).get('/metrics').expect(200);
  expect(scrapeText.text).not.toContain(prefix);
});
