/**
 * N+1 detection and per-route query counts in a real Express app on the real databases: a route
 * that loads rows one by one is reported once per request and pattern; the same work batched
 * (Promise.all, or one IN query) is not; each route's queries show in its counters.
 */
import express from 'express';
import mysql from 'mysql2/promise';
import pg from 'pg';
import request from 'supertest';
import { patchLoadedExpress } from '../../src/express/route-templates';
import type { TestDb } from './support';
import { MYSQL, PG, counterValue, createTestDb, eventually, uniqueTable } from './support';

const ROWS = 10;

interface Driver {
  name: string;
  system: string;
  setup(table: string): Promise<void>;
  /** Runs one statement (placeholders in the driver's style); resolves with the rows. */
  query(sql: string, values?: unknown[]): Promise<{ id: number }[]>;
  placeholder(i: number): string;
  /** Promise.all of one query per id over a new pool (connections open while the batch runs). */
  coldBatch(sql: string, ids: number[]): Promise<void>;
  drop(table: string): Promise<void>;
  end(): Promise<void>;
}

function pgDriver(): Driver {
  const pool = new pg.Pool({ ...PG, max: 10 });
  return {
    name: 'pg',
    system: 'postgresql',
    async setup(t) {
      await pool.query(`CREATE TABLE ${t} (id int PRIMARY KEY, owner_id int NOT NULL, email text NOT NULL)`);
      await pool.query(`INSERT INTO ${t} SELECT g, g, 'u' || g || '@example.com' FROM generate_series(1, ${ROWS}) g`);
    },
    query: async (sql, values) => (await pool.query(sql, values)).rows,
    placeholder: (i) => `$${i}`,
    async coldBatch(sql, ids) {
      const cold = new pg.Pool({ ...PG, max: 10 });
      await Promise.all(ids.map((id) => cold.query(sql, [id])));
      await cold.end();
    },
    drop: async (t) => void (await pool.query(`DROP TABLE IF EXISTS ${t}`)),
    end: () => pool.end(),
  };
}

function mysqlDriver(): Driver {
  const pool = mysql.createPool({ ...MYSQL, connectionLimit: 10 });
  return {
    name: 'mysql2',
    system: 'mysql',
    async setup(t) {
      await pool.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, owner_id INT NOT NULL, email VARCHAR(100) NOT NULL)`);
      const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, i + 1, `u${i + 1}@example.com`]);
      await pool.query(`INSERT INTO ${t} VALUES ?`, [rows]);
    },
    query: async (sql, values) => (await pool.query(sql, values))[0] as { id: number }[],
    placeholder: () => '?',
    async coldBatch(sql, ids) {
      const cold = mysql.createPool({ ...MYSQL, connectionLimit: 10 });
      await Promise.all(ids.map((id) => cold.query(sql, [id])));
      await cold.end();
    },
    drop: async (t) => void (await pool.query(`DROP TABLE IF EXISTS ${t}`)),
    end: () => pool.end(),
  };
}

describe.each([
  ['pg', pgDriver],
  ['mysql2', mysqlDriver],
])('N+1 detection with %s', (_name, makeDriver) => {
  const driver = makeDriver();
  const T = uniqueTable(`n1_${driver.name}`);
  const OWNERS = `${T}_o`;
  let db: TestDb;
  let app: express.Express;

  beforeAll(async () => {
    await driver.setup(T);
    await driver.setup(OWNERS);
    patchLoadedExpress(express); // what createPulse() does: route templates for http_route
    db = createTestDb({ pg, mysql2: true, nPlusOne: { threshold: 5 } });
    const p = driver.placeholder;
    app = express();
    app.use(db.middleware);
    app.get('/items/one-by-one', async (_req, res) => {
      const items = await driver.query(`SELECT id FROM ${T} ORDER BY id`);
      for (const item of items) await driver.query(`SELECT email FROM ${T} WHERE id = ${p(1)}`, [item.id]);
      res.json({ n: items.length });
    });
    app.get('/items/interleaved', async (_req, res) => {
      const items = await driver.query(`SELECT id FROM ${T} ORDER BY id`);
      for (const item of items) {
        await driver.query(`SELECT email FROM ${T} WHERE id = ${p(1)}`, [item.id]);
        await driver.query(`SELECT id FROM ${OWNERS} WHERE owner_id = ${p(1)}`, [item.id]);
      }
      res.json({ n: items.length });
    });
    app.get('/items/batched', async (_req, res) => {
      const items = await driver.query(`SELECT id FROM ${T} ORDER BY id`);
      await Promise.all(items.map((item) => driver.query(`SELECT email FROM ${T} WHERE id = ${p(1)}`, [item.id])));
      res.json({ n: items.length });
    });
    app.get('/items/batched-cold', async (_req, res) => {
      const items = await driver.query(`SELECT id FROM ${T} ORDER BY id`);
      await driver.coldBatch(
        `SELECT email FROM ${T} WHERE id = ${p(1)}`,
        items.map((i) => i.id),
      );
      res.json({ n: items.length });
    });
    app.get('/items/in-list', async (_req, res) => {
      const items = await driver.query(`SELECT id FROM ${T} ORDER BY id`);
      const ids = items.map((i) => i.id);
      const list = ids.map((_, i) => p(i + 1)).join(', ');
      await driver.query(`SELECT email FROM ${T} WHERE id IN (${list})`, ids);
      res.json({ n: items.length });
    });
    app.get('/items/few', async (_req, res) => {
      for (let id = 1; id <= 4; id++) await driver.query(`SELECT email FROM ${T} WHERE id = ${p(1)}`, [id]);
      res.json({ n: 4 });
    });
  });

  afterAll(async () => {
    await db.shutdown();
    await driver.drop(T);
    await driver.drop(OWNERS);
    await driver.end();
    expect(db.internalErrors).toEqual([]);
  });

  const findings = (route: string) => db.events.filter((e) => e.kind === 'n_plus_one' && e.route === route);
  const routeQueries = (route: string) =>
    counterValue(db.core.metrics, 'pulse_db_route_queries_total', { http_route: route, db_system_name: driver.system });
  /** The request-end hook runs on the response's 'close', just after the client has the body. */
  const settle = (route: string, total: number) => eventually(() => routeQueries(route) >= total);

  it('reports a one-by-one loop once per request and pattern, with count, time, route and trace id', async () => {
    const route = '/items/one-by-one';
    const first = await request(app).get(route).expect(200);
    await settle(route, ROWS + 1);
    const second = await request(app).get(route).expect(200);
    await settle(route, 2 * (ROWS + 1));

    const events = findings(route);
    expect(events).toHaveLength(2); // one per request, not one per query
    expect(events.map((e) => e.traceId)).toEqual([first.headers['x-trace-id'], second.headers['x-trace-id']]);
    expect(events[0]).toMatchObject({
      level: 'warn',
      db_system_name: driver.system,
      db_operation_name: 'SELECT',
      db_collection_name: T,
      db_query_text: `SELECT email FROM ${T} WHERE id = ?`,
      count: ROWS,
    });
    expect(events[0]!.total_duration_ms).toBeGreaterThan(0);
    expect(
      counterValue(db.core.metrics, 'pulse_db_n_plus_one_total', { http_route: route, db_collection_name: T }),
    ).toBe(2);
  });

  it('reports both patterns of an interleaved loop (A, B, A, B…)', async () => {
    const route = '/items/interleaved';
    await request(app).get(route).expect(200);
    await settle(route, 2 * ROWS + 1);
    const patterns = findings(route)
      .map((e) => e.db_collection_name)
      .sort();
    expect(patterns).toEqual([T, OWNERS].sort());
  });

  it('does not report the same work batched with Promise.all or as one IN query', async () => {
    for (let i = 0; i < 3; i++) await request(app).get('/items/batched').expect(200);
    await settle('/items/batched', 3 * (ROWS + 1));
    await request(app).get('/items/in-list').expect(200);
    await settle('/items/in-list', 2);
    expect(findings('/items/batched')).toEqual([]);
    expect(findings('/items/in-list')).toEqual([]);
    expect(counterValue(db.core.metrics, 'pulse_db_n_plus_one_total', { http_route: '/items/batched' })).toBe(0);
  });

  it('does not report a batch over a cold pool, whose queries start one by one as connections open', async () => {
    for (let i = 0; i < 3; i++) await request(app).get('/items/batched-cold').expect(200);
    await settle('/items/batched-cold', 3 * (ROWS + 1));
    expect(findings('/items/batched-cold')).toEqual([]);
  });

  it('does not report a loop below the threshold', async () => {
    await request(app).get('/items/few').expect(200);
    await settle('/items/few', 4);
    expect(findings('/items/few')).toEqual([]);
  });

  it("counts each route's queries by operation and table, and the time they took", async () => {
    const labels = {
      http_route: '/items/in-list',
      db_system_name: driver.system,
      db_operation_name: 'SELECT',
      db_collection_name: T,
    };
    expect(counterValue(db.core.metrics, 'pulse_db_route_queries_total', labels)).toBe(2);
    expect(counterValue(db.core.metrics, 'pulse_db_route_query_duration_seconds_total', labels)).toBeGreaterThan(0);
    expect(
      counterValue(db.core.metrics, 'pulse_db_route_queries_total', {
        http_route: '/items/batched',
        db_collection_name: T,
      }),
    ).toBe(3 * (ROWS + 1));
  });
});
