import type pg from 'pg';

// The demo's tables and seed data, created at start-up. Idempotent and safe when several
// processes start at once: everything runs in one transaction under an advisory lock.

/** Seed sizes: enough rows that the unindexed search is genuinely slow (~100-300 ms on PostgreSQL 15). */
export const SEED = { users: 200, posts: 2_000, commentsPerPost: 15 } as const;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws when `schema` is not a plain lower-case identifier (it is spliced into SQL). */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema: expected a lower-case SQL identifier (a-z, 0-9, _), got ${JSON.stringify(schema)}`);
  }
}

const WORDS = ['latency', 'postgres', 'express', 'grafana', 'pulse', 'metrics', 'tracing', 'queue', 'cache', 'invoice'];
const word = (expr: string): string =>
  `(ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}])[1 + (${expr}) % ${WORDS.length}]`;

const TABLES = `
CREATE TABLE IF NOT EXISTS users (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS posts (
  id serial PRIMARY KEY,
  user_id int NOT NULL REFERENCES users(id),
  title text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS comments (
  id serial PRIMARY KEY,
  post_id int NOT NULL REFERENCES posts(id),
  user_id int NOT NULL REFERENCES users(id),
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS orders (
  id serial PRIMARY KEY,
  user_id int NOT NULL REFERENCES users(id),
  status text NOT NULL,
  total_cents int NOT NULL,
  payment_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS order_items (
  order_id int NOT NULL REFERENCES orders(id),
  sku text NOT NULL,
  quantity int NOT NULL,
  price_cents int NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_user_id ON posts (user_id);
CREATE INDEX IF NOT EXISTS posts_created_at ON posts (created_at DESC);
-- No index on comments.post_id: the feed's N+1 lookups are cheap one by one but add up.
CREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id);
`;

const SEED_SQL = `
INSERT INTO users (name, email)
  SELECT 'user ' || i, 'user' || i || '@example.com' FROM generate_series(1, ${SEED.users}) i;
INSERT INTO posts (user_id, title, body, created_at)
  SELECT 1 + i % ${SEED.users}, 'Notes on ' || ${word('i')} || ' #' || i,
         repeat(md5(i::text) || ' ' || ${word('i * 3')} || ' ', 6),
         now() - make_interval(mins => ${SEED.posts} - i)
  FROM generate_series(1, ${SEED.posts}) i;
INSERT INTO comments (post_id, user_id, body)
  SELECT 1 + i % ${SEED.posts}, 1 + (i * 7) % ${SEED.users},
         repeat(md5((i * 7)::text) || ' ' || ${word('i * 11')} || ' reply ', 5)
  FROM generate_series(1, ${SEED.posts * SEED.commentsPerPost}) i;
`;

/**
 * Creates `schema` (unless public), its tables, and seed data when `users` is empty. Pool
 * connections must already use `schema` as their search_path (see createPool).
 */
export async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  assertSchemaName(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two processes starting together would race on CREATE TABLE IF NOT EXISTS (pg_type unique violation).
    await client.query("SELECT pg_advisory_xact_lock(hashtext('pulse-demo-schema:' || $1))", [schema]);
    if (schema !== 'public') await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(TABLES);
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM users');
    if (Number(rows[0]?.n ?? 0) === 0) {
      await client.query(SEED_SQL);
      await client.query('ANALYZE');
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Drops a schema created for a test run. Refuses `public`. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  assertSchemaName(schema);
  if (schema === 'public') throw new Error('dropSchema: refusing to drop the public schema');
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
