/**
 * mysql2 against the real MariaDB (127.0.0.1:3306, db `test`), through mysql2's TracingChannels:
 * callback and promise APIs, query and execute, pools and pool clusters, errors with their
 * codes, SLEEP() as a slow query, a saturated pool, transactions.
 */
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
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

const T = uniqueTable('my');
let admin: mysqlPromise.Pool;
let db: TestDb;

beforeAll(async () => {
  admin = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 2 });
  await admin.query(
    `CREATE TABLE ${T} (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, n INT NOT NULL)`,
  );
  const rows = Array.from({ length: 20 }, (_, i) => [`user${i + 1}@example.com`, i + 1]);
  await admin.query(`INSERT INTO ${T} (email, n) VALUES ?`, [rows]);
});

afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.end();
});

beforeEach(() => {
  db = createTestDb({ mysql2: true, slowQueries: { thresholdMs: 100 } });
});

afterEach(async () => {
  await db.shutdown();
  expect(db.internalErrors).toEqual([]);
});

const count = (labels: Record<string, string>): number =>
  operationCount(db.core.metrics, { db_system_name: 'mysql', ...labels });

function callback<R>(fn: (cb: (err: unknown, result?: R) => void) => void): Promise<R> {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result as R))));
}

describe('mysql2 callback API', () => {
  it('records connection.query and connection.execute once each, by operation and table', async () => {
    const connection = mysql.createConnection(MYSQL);
    try {
      await callback((cb) => connection.query(`SELECT * FROM ${T} WHERE n = ?`, [1], cb));
      await callback((cb) => connection.execute(`SELECT * FROM ${T} WHERE n = ?`, [2], cb));
      await callback((cb) => connection.query(`UPDATE ${T} SET n = n WHERE id = ?`, [1], cb));
      await callback((cb) => connection.query({ sql: `DELETE FROM ${T} WHERE id = -1` }, cb));
    } finally {
      await callback((cb) => connection.end(cb));
    }
    expect(count({ db_operation_name: 'CONNECT', error_type: '' })).toBe(1);
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(2);
    expect(count({ db_operation_name: 'UPDATE', db_collection_name: T })).toBe(1);
    expect(count({ db_operation_name: 'DELETE', db_collection_name: T })).toBe(1);
  });

  it('records pool.query, pool.execute and pool.getConnection queries', async () => {
    const pool = mysql.createPool({ ...MYSQL, connectionLimit: 2 });
    try {
      await callback((cb) => pool.query(`SELECT email FROM ${T} WHERE id = ?`, [1], cb));
      await callback((cb) => pool.execute(`SELECT email FROM ${T} WHERE id = ?`, [2], cb));
      const conn = await callback<mysql.PoolConnection>((cb) => pool.getConnection(cb));
      await callback((cb) => conn.query(`SELECT email FROM ${T} WHERE id = ?`, [3], cb));
      conn.release();
    } finally {
      await callback((cb) => pool.end(cb));
    }
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(3);
  });

  it('records pool cluster queries', async () => {
    const cluster = mysql.createPoolCluster();
    cluster.add('a', { ...MYSQL, connectionLimit: 1 });
    cluster.add('b', { ...MYSQL, connectionLimit: 1 });
    try {
      await callback((cb) => cluster.of('*').query(`SELECT n FROM ${T} WHERE id = ?`, [1], cb));
      await callback((cb) => cluster.of('*').query(`SELECT n FROM ${T} WHERE id = ?`, [2], cb));
    } finally {
      await callback((cb) => cluster.end(cb));
    }
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(2);
  });
});

describe('mysql2 promise API', () => {
  it('records query and execute on connections and pools', async () => {
    const connection = await mysqlPromise.createConnection(MYSQL);
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 2 });
    try {
      const [rows] = await connection.query(`SELECT email FROM ${T} WHERE id IN (?)`, [[1, 2, 3]]);
      expect(rows).toHaveLength(3);
      await connection.execute(`SELECT email FROM ${T} WHERE id = ?`, [4]);
      await pool.query(`SELECT email FROM ${T} WHERE id = ?`, [5]);
      await pool.execute(`SELECT email FROM ${T} WHERE id = ?`, [6]);
    } finally {
      await connection.end();
      await pool.end();
    }
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(4);
  });

  it('returns the same results and errors as the bare driver', async () => {
    const run = async (): Promise<unknown[]> => {
      const connection = await mysqlPromise.createConnection(MYSQL);
      try {
        const [rows, fields] = await connection.query(`SELECT id, email, n FROM ${T} WHERE n <= ? ORDER BY n`, [3]);
        const [executed] = await connection.execute(`SELECT email FROM ${T} WHERE n = ?`, [2]);
        const failed = (await connection.query('SELEC 1').catch((err: unknown) => err)) as {
          code: string;
          errno: number;
          sqlMessage: string;
        };
        return [
          rows,
          (fields as { name: string }[]).map((f) => f.name),
          executed,
          failed.code,
          failed.errno,
          failed.sqlMessage,
        ];
      } finally {
        await connection.end();
      }
    };
    const instrumented = await run();
    await db.shutdown(); // unsubscribes from the channels
    const bare = await run();
    expect(instrumented).toEqual(bare);
    expect(instrumented[3]).toBe('ER_PARSE_ERROR');
  });

  it('records transactions: START TRANSACTION, statements, COMMIT and ROLLBACK', async () => {
    const connection = await mysqlPromise.createConnection(MYSQL);
    try {
      await connection.beginTransaction();
      await connection.query(`UPDATE ${T} SET n = n WHERE id = ?`, [2]);
      await connection.commit();
      await connection.beginTransaction();
      await connection.query(`INSERT INTO ${T} (email, n) VALUES (?, ?)`, ['rolled-back@example.com', 99]);
      await connection.rollback();
    } finally {
      await connection.end();
    }
    expect(count({ db_operation_name: 'START' })).toBe(2);
    expect(count({ db_operation_name: 'COMMIT' })).toBe(1);
    expect(count({ db_operation_name: 'ROLLBACK' })).toBe(1);
    expect(count({ db_operation_name: 'INSERT', db_collection_name: T })).toBe(1);
    const [rows] = await admin.query(`SELECT COUNT(*) AS c FROM ${T} WHERE email = 'rolled-back@example.com'`);
    expect((rows as { c: number }[])[0]!.c).toBe(0);
  });
});

describe('mysql2 errors, slow queries and pools', () => {
  it('labels errors with error_type: parse error, duplicate entry, connection refused', async () => {
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 1 });
    const refused = mysqlPromise.createPool({ ...MYSQL, port: CLOSED_PORT, connectionLimit: 1 });
    try {
      await expect(pool.query('SELEC 1')).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
      await expect(
        pool.execute(`INSERT INTO ${T} (email, n) VALUES (?, ?)`, ['user1@example.com', 1]),
      ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
      await expect(refused.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await pool.end();
      await refused.end();
    }
    expect(count({ db_operation_name: '_OTHER', error_type: 'ER_PARSE_ERROR' })).toBe(1);
    expect(count({ db_operation_name: 'INSERT', db_collection_name: T, error_type: 'ER_DUP_ENTRY' })).toBe(1);
    expect(count({ db_operation_name: 'CONNECT', error_type: 'ECONNREFUSED' })).toBe(1);
  });

  it('turns SLEEP() over the threshold into one slow_query event, with inlined values folded away', async () => {
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 1 });
    try {
      // query() inlines values into the SQL text mysql2 publishes: the pattern must not keep them.
      await pool.query('SELECT SLEEP(0.15), ? AS secret', ['hunter2']);
      await pool.query(`SELECT email FROM ${T} WHERE id = ?`, [1]);
    } finally {
      await pool.end();
    }
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      db_system_name: 'mysql',
      db_operation_name: 'SELECT',
      db_query_text: 'SELECT SLEEP(?), ? AS secret',
      rows: 1,
    });
    expect(slow[0]!.duration_ms).toBeGreaterThanOrEqual(150);
    expect(JSON.stringify(slow[0])).not.toContain('hunter2');
    expect(counterValue(db.core.metrics, 'pulse_db_slow_queries_total', { db_system_name: 'mysql' })).toBe(1);
  });

  it('names the application caller of a slow query, through the promise pool and a plain connection', async () => {
    await db.shutdown();
    db = createTestDb({ mysql2: true, slowQueries: { thresholdMs: 50, caller: true } });
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 1 });
    const connection = mysql.createConnection(MYSQL);
    try {
      await pool.query('SELECT SLEEP(0.06)');
      await callback((cb) => connection.query('SELECT SLEEP(0.06)', cb));
    } finally {
      await pool.end();
      await callback((cb) => connection.end(cb));
    }
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(2);
    for (const event of slow) expect(event.caller).toMatch(/test[/\\]db[/\\]mysql2\.test\.ts:\d+$/);
  });

  it('shows pool saturation: used connections at the limit and the waiters in the pending gauge', async () => {
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 2 });
    db.api.instrument(pool, { name: 'saturated-mysql' });
    const name = { db_client_connection_pool_name: 'saturated-mysql' };
    try {
      const running = Array.from({ length: 5 }, () => pool.query('SELECT SLEEP(0.3)'));
      await eventually(
        async () => (await gaugeValue(db.core.metrics, 'db_client_connection_pending_requests', name)) === 3,
      );
      expect(
        await gaugeValue(db.core.metrics, 'db_client_connection_count', {
          ...name,
          db_client_connection_state: 'used',
        }),
      ).toBe(2);
      expect(await gaugeValue(db.core.metrics, 'db_client_connection_max', name)).toBe(2);
      await Promise.all(running);
      expect(await gaugeValue(db.core.metrics, 'db_client_connection_pending_requests', name)).toBe(0);
    } finally {
      await pool.end();
    }
    expect(await gaugeValue(db.core.metrics, 'db_client_connection_max', name)).toBeUndefined();
  });

  it('registers pools found on their own (db.mysql2: true) under host:port/database', async () => {
    const pool = mysql.createPool({ ...MYSQL, connectionLimit: 3 });
    try {
      await callback((cb) => pool.query('SELECT 1', cb));
      await db.core.metrics.collect();
      const gauge = db.core.metrics.get('db_client_connection_max')!;
      const byName = new Map(gauge.series.map((s) => [s.labelValues[0]!, (s as unknown as { value: number }).value]));
      // Other live pools of this file (the admin pool) may hold the plain name: this one is `#n` then.
      const base = `${MYSQL.host}:${MYSQL.port}/${MYSQL.database}`;
      const mine = [...byName].filter(([name, max]) => (name === base || name.startsWith(`${base}#`)) && max === 3);
      expect(mine).toHaveLength(1);
    } finally {
      await callback((cb) => pool.end(cb));
    }
  });
});
