/**
 * node-postgres against the real PostgreSQL (127.0.0.1:5432, db `test`): every API form is
 * recorded once with operation and table, results and errors are unchanged, errors carry their
 * SQLSTATE, slow queries become events, and a saturated pool shows in the pending gauge.
 */
import { once } from 'node:events';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { TestDb } from './support';
import {
  CLOSED_PORT,
  PG,
  counterValue,
  createTestDb,
  eventually,
  gaugeValue,
  operationCount,
  uniqueTable,
} from './support';

const T = uniqueTable('pg');
let admin: pg.Pool;
let db: TestDb;

beforeAll(async () => {
  admin = new pg.Pool({ ...PG, max: 2 });
  await admin.query(`CREATE TABLE ${T} (id serial PRIMARY KEY, email text UNIQUE NOT NULL, n int NOT NULL)`);
  await admin.query(
    `INSERT INTO ${T} (email, n) SELECT 'user' || g || '@example.com', g FROM generate_series(1, 20) g`,
  );
});

afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${T}`);
  await admin.end();
});

beforeEach(() => {
  db = createTestDb({ pg, slowQueries: { thresholdMs: 100 } });
});

afterEach(async () => {
  await db.shutdown();
  expect(db.internalErrors).toEqual([]);
});

const count = (labels: Record<string, string>): number =>
  operationCount(db.core.metrics, { db_system_name: 'postgresql', ...labels });

describe('pg Client', () => {
  it('records promise, callback, config-object and submittable queries once each, by operation and table', async () => {
    const client = new pg.Client(PG);
    await client.connect();
    try {
      await client.query(`SELECT * FROM ${T} WHERE n = $1`, [1]);
      await client.query({ text: `SELECT * FROM ${T} WHERE n = $1`, values: [2] });
      await new Promise<void>((resolve, reject) =>
        client.query(`UPDATE ${T} SET n = n WHERE id = $1`, [1], (err) => (err ? reject(err) : resolve())),
      );
      await new Promise<void>((resolve, reject) =>
        client.query(`DELETE FROM ${T} WHERE id = -1`, (err) => (err ? reject(err) : resolve())),
      );
      const query = client.query(new pg.Query(`SELECT n FROM ${T} WHERE n < $1`, [5]));
      await once(query, 'end');
      const stream = client.query(new QueryStream(`SELECT n FROM ${T} ORDER BY n`));
      let streamed = 0;
      for await (const _row of stream) streamed++;
      expect(streamed).toBe(20);
    } finally {
      await client.end();
    }
    expect(count({ db_operation_name: 'CONNECT', error_type: '' })).toBe(1);
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(4);
    expect(count({ db_operation_name: 'UPDATE', db_collection_name: T, error_type: '' })).toBe(1);
    expect(count({ db_operation_name: 'DELETE', db_collection_name: T, error_type: '' })).toBe(1);
  });

  it('returns the same results and errors as the bare driver', async () => {
    const run = async (): Promise<unknown[]> => {
      const client = new pg.Client(PG);
      await client.connect();
      try {
        const ok = await client.query(`SELECT id, email, n FROM ${T} WHERE n <= $1 ORDER BY n`, [3]);
        const failed = await client.query('SELEC 1').then(
          () => undefined,
          (err: unknown) => err,
        );
        const viaCallback = await new Promise((resolve) =>
          client.query(`SELECT count(*)::int AS c FROM ${T}`, (err, res) => resolve([err, res?.rows])),
        );
        const e = failed as pg.DatabaseError;
        return [
          ok.rows,
          ok.rowCount,
          ok.fields.map((f) => f.name),
          e instanceof pg.DatabaseError,
          e.code,
          e.message,
          e.position,
          viaCallback,
        ];
      } finally {
        await client.end();
      }
    };
    const instrumented = await run();
    await db.shutdown(); // no recorder left: the patched methods pass straight through
    const bare = await run();
    expect(instrumented).toEqual(bare);
    expect(instrumented[4]).toBe('42601');
    expect(count({ db_operation_name: 'SELECT' })).toBe(2); // only the instrumented run
  });

  it('never alters the config objects it is given: reused, frozen, and getter-based configs work as before', async () => {
    const client = new pg.Client(PG);
    await client.connect();
    // A prepared statement object reused across calls, in both forms.
    const prepared = { name: `pulse_stmt_${process.pid}`, text: `SELECT email FROM ${T} WHERE id = $1`, values: [1] };
    const snapshot = JSON.stringify(prepared);
    // sql-template-strings style: `text` and `values` are prototype getters.
    class Statement {
      constructor(private readonly id: number) {}
      get text(): string {
        return `SELECT email FROM ${T} WHERE id = $1`;
      }
      get values(): number[] {
        return [this.id];
      }
    }
    try {
      const a = await client.query(prepared);
      const b = await new Promise<pg.QueryResult>((resolve, reject) =>
        client.query(prepared, (err: Error | null, res: pg.QueryResult) => (err ? reject(err) : resolve(res))),
      );
      const c = await client.query(prepared);
      expect([a.rows, b.rows, c.rows]).toEqual([
        [{ email: 'user1@example.com' }],
        [{ email: 'user1@example.com' }],
        [{ email: 'user1@example.com' }],
      ]);
      expect(JSON.stringify(prepared)).toBe(snapshot);
      expect(Object.keys(prepared)).toEqual(['name', 'text', 'values']);

      const frozen = Object.freeze({
        text: `SELECT email FROM ${T} WHERE id = $1`,
        values: [2],
        callback: undefined as unknown,
      });
      expect((await client.query(frozen as pg.QueryConfig)).rows).toEqual([{ email: 'user2@example.com' }]);

      expect((await client.query(new Statement(3) as unknown as pg.QueryConfig)).rows).toEqual([
        { email: 'user3@example.com' },
      ]);
    } finally {
      await client.end();
    }
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(5);
  });

  it('records transactions: BEGIN, statements and COMMIT / ROLLBACK', async () => {
    const pool = new pg.Pool({ ...PG, max: 1 });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE ${T} SET n = n + 0 WHERE id = $1`, [2]);
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${T} (email, n) VALUES ($1, $2)`, ['rolled-back@example.com', 99]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
      await pool.end();
    }
    expect(count({ db_operation_name: 'BEGIN' })).toBe(2);
    expect(count({ db_operation_name: 'COMMIT' })).toBe(1);
    expect(count({ db_operation_name: 'ROLLBACK' })).toBe(1);
    expect(count({ db_operation_name: 'INSERT', db_collection_name: T })).toBe(1);
    const { rows } = await admin.query(`SELECT count(*)::int AS c FROM ${T} WHERE email = 'rolled-back@example.com'`);
    expect(rows[0].c).toBe(0);
  });
});

describe('pg Pool', () => {
  it('records pool.query (promise and callback) and checked-out clients once each', async () => {
    const pool = new pg.Pool({ ...PG, max: 2 });
    try {
      await pool.query(`SELECT email FROM ${T} WHERE id = $1`, [1]);
      await new Promise<void>((resolve, reject) =>
        pool.query(`SELECT email FROM ${T} WHERE id = $1`, [2], (err) => (err ? reject(err) : resolve())),
      );
      const client = await pool.connect();
      await client.query(`SELECT email FROM ${T} WHERE id = $1`, [3]);
      client.release();
    } finally {
      await pool.end();
    }
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(3);
  });

  it('labels errors with error_type: syntax error, unique violation, connection refused', async () => {
    const pool = new pg.Pool({ ...PG, max: 1 });
    const refused = new pg.Pool({ ...PG, port: CLOSED_PORT, max: 1 });
    try {
      await expect(pool.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
      await expect(
        pool.query(`INSERT INTO ${T} (email, n) VALUES ($1, $2)`, ['user1@example.com', 1]),
      ).rejects.toMatchObject({ code: '23505' });
      await expect(refused.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await pool.end();
      await refused.end();
    }
    expect(count({ db_operation_name: '_OTHER', error_type: '42601' })).toBe(1);
    expect(count({ db_operation_name: 'INSERT', db_collection_name: T, error_type: '23505' })).toBe(1);
    expect(count({ db_operation_name: 'CONNECT', error_type: 'ECONNREFUSED' })).toBe(1);
  });

  it('shows pool saturation: used connections at max and the waiters in the pending gauge', async () => {
    const pool = new pg.Pool({ ...PG, max: 2 });
    db.api.instrument(pool, { name: 'saturated-pg' });
    const name = { db_client_connection_pool_name: 'saturated-pg' };
    try {
      const running = Array.from({ length: 5 }, () => pool.query('SELECT pg_sleep(0.3)'));
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
      expect(
        await gaugeValue(db.core.metrics, 'db_client_connection_count', {
          ...name,
          db_client_connection_state: 'idle',
        }),
      ).toBe(2);
    } finally {
      await pool.end();
    }
    // An ended pool disappears from the gauges.
    expect(await gaugeValue(db.core.metrics, 'db_client_connection_max', name)).toBeUndefined();
  });
});

describe('pg slow query log', () => {
  it('turns a slow pg_sleep into one slow_query event with its pattern, duration and rows, and no parameters', async () => {
    const pool = new pg.Pool({ ...PG, max: 1 });
    try {
      await pool.query('SELECT pg_sleep(0.15), $1::text AS secret', ['hunter2']);
      await pool.query(`SELECT email FROM ${T} WHERE id = $1`, [1]); // fast: no event
    } finally {
      await pool.end();
    }
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      level: 'warn',
      db_system_name: 'postgresql',
      db_operation_name: 'SELECT',
      db_query_text: 'SELECT pg_sleep(?), ?::text AS secret',
      rows: 1,
    });
    expect(slow[0]!.duration_ms).toBeGreaterThanOrEqual(150);
    expect(JSON.stringify(slow[0])).not.toContain('hunter2');
    expect(slow[0]).not.toHaveProperty('db_query_parameters');
    expect(counterValue(db.core.metrics, 'pulse_db_slow_queries_total', { db_system_name: 'postgresql' })).toBe(1);
    expect(
      counterValue(db.core.metrics, 'pulse_db_events_total', { event_kind: 'slow_query', outcome: 'emitted' }),
    ).toBe(1);
  });

  it('with parameters and caller enabled: parameters pass the redaction rule, the caller is this file', async () => {
    await db.shutdown();
    db = createTestDb({
      pg,
      slowQueries: {
        thresholdMs: 50,
        caller: true,
        parameters: true,
        redactParameter: (value, key) => (key === 1 ? '<email>' : value),
      },
    });
    const pool = new pg.Pool({ ...PG, max: 1 });
    const client = new pg.Client(PG);
    await client.connect();
    try {
      await pool.query('SELECT pg_sleep(0.06), $1::text AS email', ['a@b.c']);
      await client.query('SELECT $1::int AS n, pg_sleep(0.06), $2::text AS email', [7, 'd@e.f']);
    } finally {
      await pool.end();
      await client.end();
    }
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(2);
    expect(slow[0]!.db_query_parameters).toEqual(['a@b.c']); // key 0: the rule keeps it
    expect(slow[1]!.db_query_parameters).toEqual([7, '<email>']);
    for (const event of slow) expect(event.caller).toMatch(/test[/\\]db[/\\]pg\.test\.ts:\d+$/);
  });

  it('keeps parameters out unless opted in, and applies the default redaction when opted in', async () => {
    await db.shutdown();
    db = createTestDb({ pg, slowQueries: { thresholdMs: 50, parameters: true } });
    const pool = new pg.Pool({ ...PG, max: 1 });
    try {
      await pool.query('SELECT pg_sleep(0.06), $1::text, $2::int, $3::bool', ['secret-token', 42, true]);
    } finally {
      await pool.end();
    }
    const [event] = db.events.filter((e) => e.kind === 'slow_query');
    expect(event!.db_query_parameters).toEqual(['[redacted: 12 chars]', 42, true]);
  });
});

describe('pg.native', () => {
  // pg-native is a compiled addon: the registry install here runs no build scripts, so it is
  // only present where someone built it (see docs/database.md). The JS and native clients share
  // the patch code; this proves the native prototype is reached through the lazy pg.native getter.
  let native: typeof pg | null = null;
  try {
    native = (pg as unknown as { native: typeof pg | null }).native;
  } catch {
    native = null;
  }
  const maybe = native === null ? it.skip : it;
  maybe(
    `records pg.native queries (${native === null ? 'skipped: pg-native is not installed' : 'pg-native installed'})`,
    async () => {
      const client = new native!.Client(PG);
      await client.connect();
      try {
        const res = await client.query(`SELECT email FROM ${T} WHERE id = $1`, [1]);
        expect(res.rows).toEqual([{ email: 'user1@example.com' }]);
        await expect(client.query('SELEC 1')).rejects.toMatchObject({ code: '42601' });
      } finally {
        await client.end();
      }
      expect(count({ db_operation_name: 'SELECT', db_collection_name: T, error_type: '' })).toBe(1);
      expect(count({ error_type: '42601' })).toBe(1);
    },
  );
});
