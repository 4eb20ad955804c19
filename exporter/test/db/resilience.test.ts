/**
 * What the db signal does at its edges, on the real PostgreSQL: events are throttled and
 * counted, a broken event sink or redaction rule never reaches the application, durations carry
 * trace-id exemplars, and queries outside a request (or after its response) are measured but
 * not attributed to a route.
 */
import express from 'express';
import pg from 'pg';
import request from 'supertest';
import { patchLoadedExpress } from '../../src/express/route-templates';
import { PG, counterValue, createTestDb, eventually, operationCount, sleep } from './support';

let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ ...PG, max: 2 });
});

afterAll(async () => {
  await pool.end();
});

it('throttles events past maxEventsPerSecond and counts every one of them', async () => {
  const db = createTestDb({ pg, maxEventsPerSecond: 3, slowQueries: { thresholdMs: 0 } });
  try {
    for (let i = 0; i < 20; i++) await pool.query('SELECT $1::int', [i]);
    const emitted = counterValue(db.core.metrics, 'pulse_db_events_total', {
      event_kind: 'slow_query',
      outcome: 'emitted',
    });
    const throttled = counterValue(db.core.metrics, 'pulse_db_events_total', {
      event_kind: 'slow_query',
      outcome: 'throttled',
    });
    expect(emitted + throttled).toBe(20);
    expect(db.events).toHaveLength(emitted);
    expect(emitted).toBeGreaterThanOrEqual(3);
    expect(emitted).toBeLessThan(8); // a burst of 3, plus what refills while the loop runs
    expect(counterValue(db.core.metrics, 'pulse_db_slow_queries_total')).toBe(20);
  } finally {
    await db.shutdown();
  }
});

it('keeps results and errors intact when the event sink and the redaction rule throw', async () => {
  const db = createTestDb({
    pg,
    slowQueries: {
      thresholdMs: 0,
      parameters: true,
      redactParameter: () => {
        throw new Error('broken rule');
      },
    },
  });
  db.core.events = {
    emit() {
      throw new Error('broken sink');
    },
  };
  try {
    const { rows } = await pool.query('SELECT $1::text AS v', ['x']);
    expect(rows).toEqual([{ v: 'x' }]);
    await expect(pool.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
    expect(db.internalErrors.length).toBe(2); // counted in pulse_internal_errors_total, not thrown
    expect(operationCount(db.core.metrics, { db_operation_name: 'SELECT' })).toBe(1);
  } finally {
    await db.shutdown();
  }
});

it('attaches the request trace id to durations as an exemplar', async () => {
  patchLoadedExpress(express);
  const db = createTestDb({ pg });
  const app = express();
  app.use(db.middleware);
  app.get('/one', async (_req, res) => {
    await pool.query('SELECT 1 AS exemplar_probe');
    res.send('ok');
  });
  try {
    const res = await request(app).get('/one').expect(200);
    const text = await db.core.metrics.serialize('openmetrics');
    expect(text).toContain(`# {trace_id="${res.headers['x-trace-id']}"}`);
  } finally {
    await db.shutdown();
  }
});

it('measures queries outside a request and after its response, without attributing them to the route', async () => {
  patchLoadedExpress(express);
  const db = createTestDb({ pg });
  const app = express();
  app.use(db.middleware);
  let late: Promise<unknown> = Promise.resolve();
  app.get('/fire-and-forget', async (_req, res) => {
    await pool.query('SELECT 1 AS in_request');
    res.send('ok');
    late = sleep(50).then(() => pool.query('SELECT 1 AS after_response'));
  });
  try {
    await pool.query('SELECT 1 AS background_job');
    await request(app).get('/fire-and-forget').expect(200);
    await late;
    await eventually(() => counterValue(db.core.metrics, 'pulse_db_route_queries_total') > 0);
    expect(operationCount(db.core.metrics, { db_operation_name: 'SELECT' })).toBe(3);
    expect(counterValue(db.core.metrics, 'pulse_db_route_queries_total', { http_route: '/fire-and-forget' })).toBe(1);
    expect(counterValue(db.core.metrics, 'pulse_db_route_queries_total')).toBe(1);
  } finally {
    await db.shutdown();
  }
});

it('stops recording when its Pulse shuts down (the patched driver passes straight through)', async () => {
  const db = createTestDb({ pg });
  await pool.query('SELECT 1');
  await db.shutdown();
  await pool.query('SELECT 1');
  expect(operationCount(db.core.metrics, { db_operation_name: 'SELECT' })).toBe(1);
});
