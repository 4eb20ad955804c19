import pg from 'pg';
import { assertSchemaName } from './schema';

/** The demo's connection pool size; the embedded server must accept as many connections. */
export const POOL_SIZE = 10;

/**
 * A pg Pool whose connections use `schema`. Create it after createPulse() so Pulse's pg
 * instrumentation (which patches the module) sees its queries.
 */
export function createPool(databaseUrl: string, schema: string): pg.Pool {
  assertSchemaName(schema);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'pulse-demo',
    // Sent at connection start-up, so every connection uses the schema without an extra query.
    ...(schema === 'public' ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client's error (server restart) must not crash the demo; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
