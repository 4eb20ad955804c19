/**
 * Prisma 7 through its driver adapters, as Prisma users set it up: schema.prisma, `prisma
 * generate` (the TypeScript `prisma-client` generator: no Rust query engine, queries run through
 * the adapter's driver), the generated client imported by an Express app whose router (its own
 * module, async handlers) does findMany/findUnique/create/update, `include`, an interactive
 * transaction, raw SQL and an N+1 loop. PostgreSQL goes through @prisma/adapter-pg and Pulse's pg
 * instrumentation; MariaDB through @prisma/adapter-mariadb and Pulse's mariadb instrumentation.
 *
 * The fixture app (fixtures/blog-app) is copied to a folder under the repository's .tmp/ (so its
 * imports resolve to the repository's node_modules) and its client generated there; nothing
 * generated is committed. Only the npm registry is reachable here, so the CLI is stopped from
 * downloading the schema engine binary (which `generate` never runs) by pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at an existing file. Tables are created with plain SQL: `prisma
 * migrate` would need that binary.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import mariadb from 'mariadb';
import pg from 'pg';
import request from 'supertest';
import { patchLoadedExpress } from '../../../src/express/route-templates';
import type { TestDb } from '../support';
import { MYSQL, PG, counterValue, createTestDb, eventually, gaugeValue, operationCount, uniqueTable } from '../support';

jest.setTimeout(90_000);

const REPO = join(__dirname, '..', '..', '..', '..');
const FIXTURE = join(__dirname, 'fixtures', 'blog-app');
/** Published posts in the seed data: the N+1 loop runs one author lookup per post. */
const POSTS = 6;
const EMAILS = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
const SECRET_NAME = 'Zebediah Quux';
const SECRET_TITLE = 'Confidential launch plan';

let appDir: string;

beforeAll(() => {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const work = mkdtempSync(join(REPO, '.tmp', 'prisma-app-'));
  appDir = join(work, 'blog-app');
  cpSync(FIXTURE, appDir, { recursive: true, filter: (src) => !src.includes(`${FIXTURE}/generated`) });
  const cli = require.resolve('prisma/build/index.js', { paths: [REPO] });
  for (const schema of ['postgresql', 'mysql']) {
    execFileSync(process.execPath, [cli, 'generate', '--schema', join('prisma', `${schema}.prisma`)], {
      cwd: appDir,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
      stdio: 'pipe',
    });
  }
  patchLoadedExpress(express); // what createPulse() does: route templates for http_route
});

afterAll(() => {
  if (appDir !== undefined) rmSync(join(appDir, '..'), { recursive: true, force: true });
});

interface Case {
  name: string;
  system: string;
  /** Creates the tables and seed rows in a namespace of their own; returns the connection string. */
  setup(namespace: string): Promise<string>;
  drop(namespace: string): Promise<void>;
  /** The collection label of a table (PostgreSQL statements name the schema). */
  table(namespace: string, table: string): string;
  client: 'postgresClient' | 'mariadbClient';
  sleepSql: string;
  sleepPattern: string;
  pool: (namespace: string) => string;
  poolMax: number;
  /** Statements Prisma runs for each route, by `operation table` (from the statements it sent). */
  expected: (t: (table: string) => string) => Record<string, Record<string, number>>;
}

const seedUsers = EMAILS.map((email, i) => [email, `User ${i + 1}`]);
const seedPosts = Array.from({ length: POSTS }, (_, i) => [`Post ${i + 1}`, (i % EMAILS.length) + 1]);

const postgres: Case = {
  name: 'PostgreSQL (@prisma/adapter-pg on pg)',
  system: 'postgresql',
  async setup(schema) {
    const pool = new pg.Pool({ ...PG, max: 1 });
    try {
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query(
        `CREATE TABLE ${schema}.users (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL)`,
      );
      await pool.query(
        `CREATE TABLE ${schema}.posts (id SERIAL PRIMARY KEY, title TEXT NOT NULL,
           published BOOLEAN NOT NULL DEFAULT false, author_id INT NOT NULL REFERENCES ${schema}.users (id))`,
      );
      for (const [email, name] of seedUsers) {
        await pool.query(`INSERT INTO ${schema}.users (email, name) VALUES ($1, $2)`, [email, name]);
      }
      for (const [title, author] of seedPosts) {
        await pool.query(`INSERT INTO ${schema}.posts (title, published, author_id) VALUES ($1, true, $2)`, [
          title,
          author,
        ]);
      }
    } finally {
      await pool.end();
    }
    return `postgresql://${PG.user}@${PG.host}:${PG.port}/${PG.database}`;
  },
  async drop(schema) {
    const pool = new pg.Pool({ ...PG, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  },
  table: (schema, table) => `${schema}.${table}`,
  client: 'postgresClient',
  sleepSql: 'SELECT pg_sleep(0.25)',
  sleepPattern: 'SELECT pg_sleep(?)',
  pool: () => `${PG.host}:${PG.port}/${PG.database}`,
  poolMax: 4, // fixtures/blog-app/src/db.ts
  expected: (t) => ({
    // POST (one INSERT: PostgreSQL has RETURNING) and GET (findMany with `include`: two SELECTs).
    '/api/users': { [`INSERT ${t('users')}`]: 1, [`SELECT ${t('users')}`]: 1, [`SELECT ${t('posts')}`]: 1 },
    // GET (findUnique) and PATCH (update … RETURNING).
    '/api/users/:id': { [`SELECT ${t('users')}`]: 1, [`UPDATE ${t('users')}`]: 1 },
    '/api/users/:id/posts': { 'BEGIN ': 1, [`INSERT ${t('posts')}`]: 1, [`UPDATE ${t('users')}`]: 1, 'COMMIT ': 1 },
    '/api/feed-included': { [`SELECT ${t('posts')}`]: 1, [`SELECT ${t('users')}`]: 1 },
  }),
};

const mariadbCase: Case = {
  name: 'MariaDB (@prisma/adapter-mariadb on mariadb)',
  system: 'mysql',
  async setup(database) {
    const conn = await mariadb.createConnection({ ...MYSQL });
    try {
      await conn.query(`CREATE DATABASE ${database}`);
      await conn.query(
        `CREATE TABLE ${database}.users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(191) NOT NULL UNIQUE,
           name VARCHAR(191) NOT NULL)`,
      );
      await conn.query(
        `CREATE TABLE ${database}.posts (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(191) NOT NULL,
           published BOOLEAN NOT NULL DEFAULT FALSE, author_id INT NOT NULL,
           FOREIGN KEY (author_id) REFERENCES ${database}.users (id))`,
      );
      await conn.batch(`INSERT INTO ${database}.users (email, name) VALUES (?, ?)`, seedUsers);
      await conn.batch(`INSERT INTO ${database}.posts (title, published, author_id) VALUES (?, TRUE, ?)`, seedPosts);
    } finally {
      await conn.end();
    }
    return `mariadb://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${database}?connectionLimit=3`;
  },
  async drop(database) {
    const conn = await mariadb.createConnection({ ...MYSQL });
    await conn.query(`DROP DATABASE IF EXISTS ${database}`);
    await conn.end();
  },
  table: (_database, table) => table,
  client: 'mariadbClient',
  sleepSql: 'SELECT SLEEP(0.25)',
  sleepPattern: 'SELECT SLEEP(?)',
  pool: (database) => `${MYSQL.host}:${MYSQL.port}/${database}`,
  poolMax: 3, // connectionLimit in the connection string
  expected: (t) => ({
    // POST: no RETURNING, so Prisma reads the row back in a transaction (BEGIN, INSERT, SELECT,
    // COMMIT); GET: findMany with `include`, two SELECTs.
    '/api/users': {
      'BEGIN ': 1,
      [`INSERT ${t('users')}`]: 1,
      [`SELECT ${t('users')}`]: 2,
      [`SELECT ${t('posts')}`]: 1,
      'COMMIT ': 1,
    },
    // GET (findUnique) and PATCH (in a transaction: SELECT the row, UPDATE, SELECT it back).
    '/api/users/:id': { 'BEGIN ': 1, [`SELECT ${t('users')}`]: 3, [`UPDATE ${t('users')}`]: 1, 'COMMIT ': 1 },
    '/api/users/:id/posts': {
      'BEGIN ': 1,
      [`INSERT ${t('posts')}`]: 1,
      [`SELECT ${t('posts')}`]: 1,
      [`SELECT ${t('users')}`]: 2,
      [`UPDATE ${t('users')}`]: 1,
      'COMMIT ': 1,
    },
    '/api/feed-included': { [`SELECT ${t('posts')}`]: 1, [`SELECT ${t('users')}`]: 1 },
  }),
};

interface BlogClient {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

describe.each([postgres, mariadbCase])('Prisma on $name', (c) => {
  const namespace = uniqueTable('prisma');
  const t = (table: string): string => c.table(namespace, table);
  let db: TestDb;
  let prisma: BlogClient;
  let app: express.Express;

  beforeAll(async () => {
    const url = await c.setup(namespace);
    db = createTestDb({ pg: true, mariadb: true, slowQueries: { thresholdMs: 200 } });
    // The app's own modules, loaded the way the app loads them: after Pulse is set up.
    const dbModule = require(join(appDir, 'src', 'db.ts')) as Record<string, (...args: string[]) => BlogClient>;
    const { createApp } = require(join(appDir, 'src', 'app.ts')) as {
      createApp(pulse: { middleware(): express.RequestHandler }, client: unknown, sleepSql: string): express.Express;
    };
    prisma = c.client === 'postgresClient' ? dbModule[c.client]!(url, namespace) : dbModule[c.client]!(url);
    await prisma.$connect(); // the adapter's pool (and MariaDB's version probe) before any request
    app = createApp({ middleware: () => db.middleware as express.RequestHandler }, prisma, c.sleepSql);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.shutdown();
    await c.drop(namespace);
    expect(db.internalErrors).toEqual([]);
  });

  /** `operation table` → count of pulse_db_route_queries_total for one route. */
  function routeQueries(route: string): Record<string, number> {
    const metric = db.core.metrics.get('pulse_db_route_queries_total');
    const names = metric?.def.labelNames ?? [];
    const out: Record<string, number> = {};
    for (const s of (metric?.series ?? []) as unknown as { labelValues: string[]; value: number }[]) {
      const label = (n: string): string => s.labelValues[names.indexOf(n)]!;
      if (label('http_route') !== route || label('db_system_name') !== c.system) continue;
      const key = `${label('db_operation_name')} ${label('db_collection_name')}`;
      out[key] = (out[key] ?? 0) + s.value;
    }
    return out;
  }
  const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
  /** The request-end hook runs on the response's 'close', just after the client has the body. */
  const settle = (route: string, n: number) => eventually(() => total(routeQueries(route)) >= n);

  it('records each route’s statements with operation and table, exactly as Prisma sent them', async () => {
    const expected = c.expected(t);
    const created = await request(app).post('/api/users').send({ email: 'dave@example.com', name: 'Dave' }).expect(201);
    const id = (created.body as { id: number }).id;
    await request(app).get('/api/users').expect(200);
    await request(app).get(`/api/users/${id}`).expect(200);
    await request(app).patch(`/api/users/${id}`).send({ name: SECRET_NAME }).expect(200);
    await request(app).post(`/api/users/${id}/posts`).send({ title: SECRET_TITLE }).expect(201);
    await request(app).get('/api/feed-included').expect(200);

    for (const [route, counts] of Object.entries(expected)) {
      await settle(route, total(counts));
      expect({ route, counts: routeQueries(route) }).toEqual({ route, counts });
    }
    // The same statements in the duration histogram (no route there).
    expect(
      operationCount(db.core.metrics, {
        db_system_name: c.system,
        db_operation_name: 'INSERT',
        db_collection_name: t('posts'),
      }),
    ).toBe(1);
  });

  it('shows the interactive transaction as BEGIN … COMMIT around its statements', async () => {
    const before = operationCount(db.core.metrics, { db_system_name: c.system, db_operation_name: 'COMMIT' });
    const res = await request(app).post('/api/users/1/posts').send({ title: 'Second post' }).expect(201);
    expect(res.body).toMatchObject({ title: 'Second post', authorId: 1 });
    const route = '/api/users/:id/posts';
    await settle(route, 2 * total(c.expected(t)[route]!));
    expect(operationCount(db.core.metrics, { db_system_name: c.system, db_operation_name: 'COMMIT' })).toBe(before + 1);
    expect(routeQueries(route)['BEGIN ']).toBe(2);
    expect(routeQueries(route)['COMMIT ']).toBe(2);
  });

  it('finds the N+1 loop and names the route; the same data loaded with include is not one', async () => {
    const feed = await request(app).get('/api/feed').expect(200);
    const posts = (feed.body as unknown[]).length; // the seed's and those the earlier tests published
    expect(posts).toBeGreaterThanOrEqual(POSTS);
    await request(app).get('/api/feed-included').expect(200);
    await settle('/api/feed', posts + 1);
    expect(routeQueries('/api/feed')).toEqual({ [`SELECT ${t('posts')}`]: 1, [`SELECT ${t('users')}`]: posts });

    const findings = db.events.filter((e) => e.kind === 'n_plus_one');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      route: '/api/feed',
      db_system_name: c.system,
      db_operation_name: 'SELECT',
      db_collection_name: t('users'),
      count: posts,
    });
    expect(counterValue(db.core.metrics, 'pulse_db_n_plus_one_total', { http_route: '/api/feed' })).toBe(1);
    expect(counterValue(db.core.metrics, 'pulse_db_n_plus_one_total', { http_route: '/api/feed-included' })).toBe(0);
  });

  it('reports a slow raw query with its route and pattern', async () => {
    const res = await request(app).get('/api/report').expect(200);
    await settle('/api/report', 1);
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      route: '/api/report',
      traceId: res.headers['x-trace-id'],
      db_system_name: c.system,
      db_operation_name: 'SELECT',
      db_query_text: c.sleepPattern,
    });
    expect(slow[0]!.duration_ms).toBeGreaterThanOrEqual(200);
  });

  it("shows the adapter's pool in the pool gauges", async () => {
    const pool = { db_client_connection_pool_name: c.pool(namespace) };
    expect(await gaugeValue(db.core.metrics, 'db_client_connection_max', pool)).toBe(c.poolMax);
  });

  it('puts no value from the requests in any label or event', async () => {
    const exposition = await db.core.metrics.serialize('prometheus');
    expect(exposition).toContain(`db_collection_name="${t('users')}"`);
    const text = exposition + JSON.stringify(db.events);
    for (const value of [...EMAILS, 'dave@example.com', SECRET_NAME, SECRET_TITLE]) expect(text).not.toContain(value);
  });
});
