/**
 * knex on pg and on mysql2, with only `db.knex` turned on: every statement knex runs is recorded
 * exactly once (by the driver knex runs it on — knex's own events are the reference count), and
 * knex's own pool shows in the pool gauges.
 */
import knexFactory from 'knex';
import type { Knex } from 'knex';
import type { TestDb } from './support';
import { MYSQL, PG, createTestDb, gaugeValue, operationCount, uniqueTable } from './support';

const cases = [
  { client: 'pg', system: 'postgresql', connection: PG, port: PG.port, begin: 'BEGIN' },
  { client: 'mysql2', system: 'mysql', connection: MYSQL, port: MYSQL.port, begin: 'BEGIN' },
] as const;

describe.each(cases)('knex on $client', ({ client, system, connection, port, begin }) => {
  const T = uniqueTable(`knex_${client}`);
  let db: TestDb;
  let k: Knex;
  /** Statements knex reports through its own `query` event, for the table under test. */
  let knexStatements: string[];

  beforeAll(async () => {
    const setup = knexFactory({ client, connection });
    await setup.schema.createTable(T, (t) => {
      t.increments('id');
      t.string('email', 100).notNullable().unique();
      t.integer('n').notNullable();
    });
    await setup.destroy();
  });

  afterAll(async () => {
    const teardown = knexFactory({ client, connection });
    await teardown.schema.dropTableIfExists(T);
    await teardown.destroy();
  });

  beforeEach(() => {
    db = createTestDb({ knex: true });
    k = knexFactory({ client, connection, pool: { min: 0, max: 2 } });
    knexStatements = [];
    k.on('query', (q: { sql: string }) => {
      if (q.sql.includes(T)) knexStatements.push(q.sql);
    });
  });

  afterEach(async () => {
    await k.destroy();
    await db.shutdown();
    expect(db.internalErrors).toEqual([]);
  });

  const count = (labels: Record<string, string>): number =>
    operationCount(db.core.metrics, { db_system_name: system, ...labels });

  it('records each statement exactly once: builder, raw and transaction queries', async () => {
    await k(T).insert({ email: 'a@example.com', n: 1 });
    await k(T).insert({ email: 'b@example.com', n: 2 });
    await k(T).where({ n: 1 }).select('*');
    await k(T).where({ n: 2 }).first();
    await k(T).where({ email: 'a@example.com' }).update({ n: 3 });
    await k.raw(`SELECT count(*) AS c FROM ${T}`);
    await k.transaction(async (trx) => {
      await trx(T).where({ n: 2 }).update({ n: 4 });
      await trx(T).where({ n: 3 }).del();
    });

    expect(count({ db_operation_name: 'INSERT', db_collection_name: T })).toBe(2);
    expect(count({ db_operation_name: 'SELECT', db_collection_name: T })).toBe(3);
    expect(count({ db_operation_name: 'UPDATE', db_collection_name: T })).toBe(2);
    expect(count({ db_operation_name: 'DELETE', db_collection_name: T })).toBe(1);
    // The reference: knex's own count of the statements it ran on the table.
    expect(knexStatements).toHaveLength(8);
    expect(count({ db_collection_name: T })).toBe(knexStatements.length);
    // The transaction's own statements went through the driver too, once.
    expect(count({ db_operation_name: begin })).toBe(1);
    expect(count({ db_operation_name: 'COMMIT' })).toBe(1);
  });

  it("shows knex's own pool in the pool gauges", async () => {
    await k(T).select('id').limit(1);
    const name = { db_client_connection_pool_name: `knex:${connection.host}:${port}/${connection.database}` };
    expect(await gaugeValue(db.core.metrics, 'db_client_connection_max', name)).toBe(2);
    const idle = await gaugeValue(db.core.metrics, 'db_client_connection_count', {
      ...name,
      db_client_connection_state: 'idle',
    });
    expect(idle).toBe(1);
  });
});

describe('pulse.instrument(knex) with no db option set', () => {
  it('records the instance’s statements once and names its pool', async () => {
    const T = uniqueTable('knex_instr');
    const db = createTestDb({});
    const k = knexFactory({ client: 'pg', connection: PG, pool: { min: 0, max: 3 } });
    try {
      expect(db.api.instrument(k, { name: 'reports-db' })).toBe('knex');
      await k.schema.createTable(T, (t) => t.increments('id'));
      await k(T).insert({});
      await k(T).select('id');
      expect(operationCount(db.core.metrics, { db_collection_name: T, db_operation_name: 'INSERT' })).toBe(1);
      expect(operationCount(db.core.metrics, { db_collection_name: T, db_operation_name: 'SELECT' })).toBe(1);
      expect(
        await gaugeValue(db.core.metrics, 'db_client_connection_max', { db_client_connection_pool_name: 'reports-db' }),
      ).toBe(3);
    } finally {
      await k.schema.dropTableIfExists(T);
      await k.destroy();
      await db.shutdown();
    }
    expect(() => db.api.instrument({ not: 'a driver' })).toThrow(TypeError);
  });
});
