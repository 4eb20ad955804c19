/**
 * The mariadb driver (MariaDB Connector/Node.js, the driver under Prisma's MariaDB adapter)
 * against the real MariaDB (127.0.0.1:3306, db `test`): the promise API's query, execute and
 * batch on connections and pools (the callback API's statements are a known gap), commit/rollback, error codes, refused connections, and a
 * saturated pool whose queued checkouts keep their own request's route.
 */
import express from 'express';
import mariadb from 'mariadb';
import mariadbCallback from 'mariadb/callback';
import request from 'supertest';
import { patchLoadedExpress } from '../../src/express/route-templates';
import type { TestDb } from './support';
import {
  CLOSED_PORT,
  MYSQL,
  counterValue,
  createTestDb,
  eventually,
  gaugeValue,
  operationCount,
  uniqueTable,
} from './support';

const T = uniqueTable('mdb');
let admin: mariadb.Connection;
let db: TestDb;

beforeAll(async () => {
  admin = await mariadb.createConnection(MYSQL);
  await admin.query(
    `CREATE TABLE ${T} (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, n INT NOT NULL)`,
  );
  await admin.batch(
    `INSERT INTO ${T} (email, n) VALUES (?, ?)`,
    Array.from({ length: 10 }, (_, i) => [`user${i + 1}@example.com`, i + 1]),
  );
});

afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.end();
});

beforeEach(() => {
  db = createTestDb({ mariadb: true, slowQueries: { thresholdMs: 100 } });
});

afterEach(async () => {
  await db.shutdown();
  expect(db.internalErrors).toEqual([]);
});

const count = (labels: Record<string, string>): number =>
  operationCount(db.core.metrics, { db_system_name: 'mysql', ...labels });

it('records query, execute and batch on a connection once each, by operation and table', async () => {
  const conn = await mariadb.createConnection(MYSQL);
  try {
    await conn.query(`SELECT * FROM ${T} WHERE n = ?`, [1]);
    await conn.execute(`SELECT * FROM ${T} WHERE n = ?`, [2]);
    await conn.query({ sql: `UPDATE ${T} SET n = n WHERE id = ?` }, [1]);
    await conn.batch(`UPDATE ${T} SET n = n WHERE id = ?`, [[1], [2], [3]]);
  } finally {
    await conn.end();
  }
  expect(count({ db_operation_name: 'CONNECT', error_type: '' })).toBe(1);
  expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(2);
  expect(count({ db_operation_name: 'UPDATE', db_collection_name: T, error_type: '' })).toBe(2);
});

it('records pool query and execute, and shows the pool in the gauges', async () => {
  const pool = mariadb.createPool({ ...MYSQL, connectionLimit: 2 });
  try {
    await pool.query(`SELECT id FROM ${T} WHERE n = ?`, [4]);
    await pool.execute(`SELECT id FROM ${T} WHERE n = ?`, [5]);
    const name = { db_client_connection_pool_name: `${MYSQL.host}:${MYSQL.port}/${MYSQL.database}` };
    expect(await gaugeValue(db.core.metrics, 'db_client_connection_max', name)).toBe(2);
  } finally {
    await pool.end();
  }
  expect(count({ db_operation_name: 'SELECT', db_collection_name: T })).toBe(2);
});

// A known gap, documented in docs/database.md: mariadb/callback builds its commands itself and
// queues them past the methods Pulse wraps. Its connects are still seen.
it('does not record statements of the callback API (mariadb/callback), only its connects', async () => {
  const conn = mariadbCallback.createConnection(MYSQL);
  await new Promise<void>((resolve, reject) =>
    conn.query(`SELECT id FROM ${T} WHERE n = ?`, [3], (err) => (err ? reject(err) : resolve())),
  );
  await new Promise<void>((resolve) => conn.end(() => resolve()));
  expect(count({ db_operation_name: 'CONNECT' })).toBe(1);
  expect(count({ db_collection_name: T })).toBe(0);
});

it('records commit and rollback when they are sent, and nothing when there is no transaction', async () => {
  const conn = await mariadb.createConnection(MYSQL);
  try {
    await conn.beginTransaction();
    await conn.query(`UPDATE ${T} SET n = n WHERE id = 1`);
    await conn.commit();
    await conn.beginTransaction();
    await conn.query(`UPDATE ${T} SET n = n WHERE id = 2`);
    await conn.rollback();
    await conn.commit(); // no transaction open: the driver sends nothing
  } finally {
    await conn.end();
  }
  expect(count({ db_operation_name: 'START' })).toBe(2); // START TRANSACTION
  expect(count({ db_operation_name: 'COMMIT' })).toBe(1);
  expect(count({ db_operation_name: 'ROLLBACK' })).toBe(1);
});

it('labels failures with the server’s error code, and refused connections', async () => {
  const conn = await mariadb.createConnection(MYSQL);
  try {
    await expect(conn.query(`INSERT INTO ${T} (email, n) VALUES ('user1@example.com', 1)`)).rejects.toMatchObject({
      code: 'ER_DUP_ENTRY',
    });
    await expect(conn.execute(`SELEC id FROM ${T}`)).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
  } finally {
    await conn.end();
  }
  await expect(mariadb.createConnection({ ...MYSQL, port: CLOSED_PORT, connectTimeout: 2000 })).rejects.toThrow();
  expect(count({ db_operation_name: 'INSERT', db_collection_name: T, error_type: 'ER_DUP_ENTRY' })).toBe(1);
  expect(count({ error_type: 'ER_PARSE_ERROR' })).toBe(1);
  expect(count({ db_operation_name: 'CONNECT', error_type: 'ECONNREFUSED' })).toBe(1);
  expect(JSON.stringify(db.core.metrics.get('db_client_operation_duration_seconds')?.series)).not.toContain(
    'user1@example.com',
  );
});

it('reports a slow statement with its pattern, never its values', async () => {
  await admin.query('SELECT SLEEP(0.15), ?', ['secret-value']); // admin: opened before Pulse, same prototype
  const slow = db.events.filter((e) => e.kind === 'slow_query');
  expect(slow).toHaveLength(1);
  expect(slow[0]).toMatchObject({ db_query_text: 'SELECT SLEEP(?), ?' });
  expect(JSON.stringify(slow)).not.toContain('secret-value');
});

it('keeps each request’s route for checkouts that waited for a saturated pool', async () => {
  patchLoadedExpress(express);
  const pool = mariadb.createPool({ ...MYSQL, connectionLimit: 1 });
  const app = express();
  app.use(db.middleware);
  for (const route of ['/a', '/b']) {
    app.get(route, async (_req, res) => {
      for (let id = 1; id <= 6; id++) await pool.query(`SELECT email FROM ${T} WHERE id = ?`, [id]);
      res.json('ok');
    });
  }
  try {
    await Promise.all([request(app).get('/a').expect(200), request(app).get('/b').expect(200)]);
    const routeCount = (route: string) =>
      counterValue(db.core.metrics, 'pulse_db_route_queries_total', { http_route: route, db_collection_name: T });
    await eventually(() => routeCount('/a') + routeCount('/b') >= 12);
    expect([routeCount('/a'), routeCount('/b')]).toEqual([6, 6]);
    const findings = db.events.filter((e) => e.kind === 'n_plus_one');
    expect(findings.map((e) => [e.route, e.count]).sort()).toEqual([
      ['/a', 6],
      ['/b', 6],
    ]);
  } finally {
    await pool.end();
  }
});

it('pulse.instrument() takes the mariadb module; db.mariadb rejects anything else', () => {
  const other = createTestDb({});
  try {
    expect(other.api.instrument(mariadb)).toBe('mariadb module');
  } finally {
    void other.shutdown();
  }
  expect(() => createTestDb({ mariadb: { not: 'mariadb' } })).toThrow(/db\.mariadb/);
});
