/**
 * The db signal through the whole product: createPulse({ db: { pg: true } }) on an Express app,
 * a real Prometheus scraping /metrics, and the slow query and N+1 events arriving in a
 * Loki-compatible receiver through the logs pipeline. PromQL is checked by the real engine.
 */
import express from 'express';
import pg from 'pg';
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
import { PG, uniqueTable } from './support';

jest.setTimeout(60_000);

const T = uniqueTable('e2e');
const JOB = 'pulse-db-e2e';
let pool: pg.Pool;
let pulse: Pulse;
let server: RunningApp;
let loki: LokiReceiver;
let prom: PrometheusHandle;
let app: express.Express;

beforeAll(async () => {
  loki = await startLokiReceiver();
  pool = new pg.Pool({ ...PG, max: 4 });
  await pool.query(`CREATE TABLE ${T} (id int PRIMARY KEY, email text NOT NULL)`);
  await pool.query(`INSERT INTO ${T} SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 8) g`);
  pulse = createPulse({
    serviceName: 'db-e2e',
    metrics: { registry: new Registry(), defaultMetrics: false },
    logs: { loki: { url: loki.url, format: 'json', batchIntervalMs: 100 }, signals: [] },
    db: { pg: true, slowQueries: { thresholdMs: 150 } },
  });
  app = express();
  app.use(pulse.middleware());
  pulse.mount(app);
  app.get('/orders/:id/lines', async (_req, res) => {
    const { rows } = await pool.query(`SELECT id FROM ${T} ORDER BY id`);
    for (const row of rows) await pool.query(`SELECT email FROM ${T} WHERE id = $1`, [row.id]);
    res.json(rows.length);
  });
  app.get('/report', async (_req, res) => {
    await pool.query(`SELECT pg_sleep(0.2), count(*) FROM ${T}`);
    res.json('ok');
  });
  server = await listen(app);
  prom = await startPrometheus({ targets: [{ job: JOB, address: `127.0.0.1:${server.port}` }] });
});

afterAll(async () => {
  await prom?.stop();
  await server?.close();
  await pulse?.shutdown();
  await loki?.stop();
  await pool?.query(`DROP TABLE IF EXISTS ${T}`);
  await pool?.end();
});

it('exposes query metrics, route counts, N+1 findings and pool gauges to Prometheus, and ships the events', async () => {
  const first = await request(app).get('/orders/1/lines').expect(200);
  await request(app).get('/orders/2/lines').expect(200);
  const slow = await request(app).get('/report').expect(200);

  await prom.waitForScrapes(JOB, 2);
  // Scrapes that started before the requests finished may lack them: wait for one that has them.
  const deadline = Date.now() + 15_000;
  let findings = 0;
  while (Date.now() < deadline) {
    const v = await prom.query(`sum(pulse_db_n_plus_one_total{job="${JOB}",http_route="/orders/:id/lines"})`);
    findings = v[0]?.value ?? 0;
    if (findings === 2) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(findings).toBe(2);

  const selects = await prom.query(
    `sum by (db_operation_name) (db_client_operation_duration_seconds_count{job="${JOB}",db_system_name="postgresql",db_collection_name="${T}"})`,
  );
  expect(selects).toEqual([expect.objectContaining({ metric: { db_operation_name: 'SELECT' }, value: 2 * 9 + 1 })]);

  const perRoute = await prom.query(
    `sum by (http_route) (pulse_db_route_queries_total{job="${JOB}",db_collection_name="${T}"})`,
  );
  const byRoute = Object.fromEntries(perRoute.map((s) => [s.metric.http_route, s.value]));
  expect(byRoute).toEqual({ '/orders/:id/lines': 18, '/report': 1 });

  // 19 SELECTs, one of them the 200 ms pg_sleep: the p99 lands in that query's (0.1, 0.5] bucket.
  const p99 = await prom.query(
    `histogram_quantile(0.99, sum by (le) (db_client_operation_duration_seconds_bucket{job="${JOB}",db_collection_name="${T}"}))`,
  );
  expect(p99[0]?.value).toBeGreaterThan(0.1);
  expect(p99[0]?.value).toBeLessThanOrEqual(0.5);

  const max = await prom.query(`db_client_connection_max{job="${JOB}"}`);
  expect(max.map((s) => s.value)).toContain(4);

  // Events: one N+1 per request, one slow query, through the log pipeline with their trace ids.
  await loki.waitFor(
    (entries) => entries.filter((e) => /n_plus_one|slow_query/.test(e.labels.event_kind ?? '')).length >= 3,
  );
  const events = loki
    .events()
    .filter((e) => e.labels.event_kind === 'n_plus_one' || e.labels.event_kind === 'slow_query');
  const n1 = events.filter((e) => e.labels.event_kind === 'n_plus_one');
  expect(n1).toHaveLength(2);
  expect(n1[0]!.json).toMatchObject({
    db_collection_name: T,
    count: 8,
    db_query_text: `SELECT email FROM ${T} WHERE id = ?`,
  });
  expect(n1.map((e) => e.metadata.trace_id)).toContain(first.headers['x-trace-id']);
  const slowEvents = events.filter((e) => e.labels.event_kind === 'slow_query');
  expect(slowEvents).toHaveLength(1);
  expect(slowEvents[0]!.metadata.trace_id).toBe(slow.headers['x-trace-id']);
  expect(slowEvents[0]!.json).toMatchObject({ db_query_text: `SELECT pg_sleep(?), count(*) FROM ${T}` });
});
