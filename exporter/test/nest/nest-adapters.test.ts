import { rmSync } from 'node:fs';
import pg from 'pg';
import { parseSamples } from '../support/app';
import type { ModuleFormat, PulseEventLine, RunningNestApp } from './support/nest-app';
import { buildNestApp, startNestApp } from './support/nest-app';

// A NestJS app on its Express and its Fastify adapter (test/nest/app: feature modules, DI, async
// handlers, a guard, the app's own exception filter, a pg pool provider), with Pulse set up by
// the lines the docs show in main.ts (main-fastify.ts for Fastify). Global prefix with an excluded route, URI versioning at controller and
// route level, VERSION_NEUTRAL, route params, Nest's 404s, HttpExceptions, an unexpected error,
// queries on the real PostgreSQL; exact counts and no raw values in labels.

const DURATION = 'http_server_request_duration_seconds_count';

interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
}

// Each request with the status Nest answers it with; raw values (ids, skus, unknown paths) must
// never reach a label.
const CALLS: Call[] = [
  { path: '/api/v1/users/1', status: 200 },
  { path: '/api/v1/users/1?token=s3cr3t', status: 200 },
  { path: '/api/v1/users/2', status: 200 },
  { path: '/api/v2/users/1', status: 200 },
  { path: '/api/v2/users/2', status: 200 },
  { path: '/api/v1/users/9', status: 404 }, // NotFoundException from the handler
  { path: '/api/v1/users/%2e%2e%2fetc%2fpasswd', status: 404 },
  { path: '/api/v1/users/1/orders', status: 200 },
  { path: '/api/v1/users/2/orders', status: 200 },
  { path: '/api/v1/users/abc/orders', status: 400 }, // ParseIntPipe
  { path: '/api/v1/users/1/avatar', status: 500 }, // an unexpected Error
  { path: '/api/v1/users/2/avatar', status: 500 },
  { method: 'POST', path: '/api/v1/users', body: { name: 'Lin' }, status: 201 },
  { method: 'POST', path: '/api/v1/users', body: {}, status: 400 }, // BadRequestException
  { method: 'DELETE', path: '/api/v1/users/3', status: 403 }, // the guard refuses
  { method: 'DELETE', path: '/api/v1/users/3', headers: { 'x-role': 'admin' }, status: 204 },
  { path: '/api/v1/orders/1', status: 200 },
  { path: '/api/v2/orders/3', status: 200 },
  { path: '/api/v1/orders/99', status: 404 }, // the orders module's own filter answers
  { path: '/api/catalog/items/sku-1', status: 200 },
  { path: '/api/catalog/items/sku-22', status: 200 },
  { path: '/status', status: 200 },
  { path: '/status', status: 200 },
  { path: '/api/nope', status: 404 }, // no controller: Nest's not-found handler under the prefix
  { path: '/api/v3/users/1', status: 404 }, // no such version
  { path: '/nope', status: 404 }, // outside the prefix: Express's own 404, Nest's on Fastify
];

/** `METHOD route status` -> count, as /metrics must show after CALLS. */
const EXPECTED_REQUESTS: Record<string, number> = {
  'GET /api/v1/users/:id 200': 3,
  'GET /api/v2/users/:id 200': 2,
  'GET /api/v1/users/:id 404': 2,
  'GET /api/v1/users/:id/orders 200': 2,
  'GET /api/v1/users/:id/orders 400': 1,
  'GET /api/v1/users/:id/avatar 500': 2,
  'POST /api/v1/users 201': 1,
  'POST /api/v1/users 400': 1,
  'DELETE /api/v1/users/:id 403': 1,
  'DELETE /api/v1/users/:id 204': 1,
  'GET /api/v1/orders/:orderId 200': 1,
  'GET /api/v2/orders/:orderId 200': 1,
  'GET /api/v1/orders/:orderId 404': 1,
  'GET /api/catalog/items/:sku 200': 2,
  'GET /status 200': 2,
  'GET (unmatched) 404': 3,
};

type Adapter = 'express' | 'fastify';
const MAIN: Record<Adapter, string> = { express: 'main.js', fastify: 'main-fastify.js' };

/**
 * Nest's NotFoundExceptions for paths no controller has: under the prefix on Express (outside it
 * Express answers by itself), everywhere on Fastify (Nest sets Fastify's not-found handler).
 */
const UNMATCHED_ERRORS: Record<Adapter, number> = { express: 2, fastify: 3 };

/** `error_type route` -> count in pulse_errors_total: what reached the global PulseExceptionFilter. */
const expectedErrors = (adapter: Adapter): Record<string, number> => ({
  'not_found /api/v1/users/:id': 2,
  'validation /api/v1/users/:id/orders': 1,
  'internal /api/v1/users/:id/avatar': 2,
  'validation /api/v1/users': 1,
  'auth /api/v1/users/:id': 1,
  'not_found (unmatched)': UNMATCHED_ERRORS[adapter],
});

const RAW_VALUES = ['s3cr3t', 'token', 'passwd', '%2e', 'abc', 'sku-', 'nope', 'v3', '/9', '/99'];

async function send(baseUrl: string, call: Call): Promise<Response> {
  const res = await fetch(baseUrl + call.path, {
    method: call.method ?? 'GET',
    headers: { ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
    body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
  });
  await res.arrayBuffer();
  return res;
}

function byKey(samples: ReturnType<typeof parseSamples>, name: string, key: (l: Record<string, string>) => string) {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === name) out[key(s.labels)] = (out[key(s.labels)] ?? 0) + s.value;
  return out;
}

// A schema of this run's own (the app's connection string selects it), so two runs of this file
// at once never share the table.
const SCHEMA = `nest_fixture_${process.pid}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/test?options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });

beforeAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pool.query(`CREATE SCHEMA ${SCHEMA}`);
  await pool.query(
    'CREATE TABLE nest_fixture_orders (id int PRIMARY KEY, user_id int NOT NULL, total numeric NOT NULL)',
  );
  await pool.query('INSERT INTO nest_fixture_orders VALUES (1, 1, 9.50), (2, 1, 3.00), (3, 2, 7.25)');
});

/** One build per module format, shared by both adapters' cases. */
const builds = new Map<ModuleFormat, Promise<string>>();
const builtApp = (format: ModuleFormat): Promise<string> => {
  if (!builds.has(format)) builds.set(format, buildNestApp(format));
  return builds.get(format)!;
};

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pool.end();
  for (const build of builds.values()) rmSync(await build, { recursive: true, force: true });
});

const CASES: [Adapter, ModuleFormat][] = [
  ['express', 'esm'],
  ['express', 'cjs'],
  ['fastify', 'esm'],
  ['fastify', 'cjs'],
];

describe.each(CASES)('a NestJS app on its %s adapter, built as %s, run as node dist/main.js', (adapter, format) => {
  let dir: string;
  let app: RunningNestApp;
  let exposition: string;
  let statuses: number[];
  let avatarTraceIds: string[];

  beforeAll(async () => {
    dir = await builtApp(format);
    app = await startNestApp(dir, MAIN[adapter], { DATABASE_URL });
    statuses = [];
    avatarTraceIds = [];
    for (const call of CALLS) {
      const res = await send(app.baseUrl, call);
      statuses.push(res.status);
      if (call.path.endsWith('/avatar')) avatarTraceIds.push(res.headers.get('x-trace-id') ?? '');
    }
    exposition = await (await fetch(`${app.baseUrl}/metrics`)).text();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('answers every request as Nest does with Pulse in place', () => {
    expect(statuses).toEqual(CALLS.map((c) => c.status));
  });

  it('counts each request once under its whole template: prefix, version and params', () => {
    const counted = byKey(
      parseSamples(exposition),
      DURATION,
      (l) => `${l.http_request_method} ${l.http_route} ${l.http_response_status_code}`,
    );
    expect(counted).toEqual(EXPECTED_REQUESTS);
  });

  it('puts no raw path, id or query value in any label', () => {
    const values = parseSamples(exposition).flatMap((s) => Object.values(s.labels));
    for (const raw of RAW_VALUES) expect(values.filter((v) => v.includes(raw))).toEqual([]);
  });

  it('records the errors Nest handles (HttpExceptions, guard refusals, pipes, unexpected errors) with their route', async () => {
    const counted = byKey(parseSamples(exposition), 'pulse_errors_total', (l) => `${l.error_type} ${l.http_route}`);
    expect(counted).toEqual(expectedErrors(adapter));
    const total = Object.values(expectedErrors(adapter)).reduce((a, b) => a + b, 0);
    const errors = (await app.waitForEvents((e) => e.filter((x) => x.event_kind === 'error').length >= total)).filter(
      (e) => e.event_kind === 'error',
    );
    const summary = (e: PulseEventLine): string =>
      `${String(e.error_type)} ${String(e.http_route)} ${String(e.http_response_status_code)} ${String(e.error_class)}`;
    expect(errors.map(summary).sort()).toEqual(
      [
        'auth /api/v1/users/:id 403 ForbiddenException',
        'internal /api/v1/users/:id/avatar 500 Error',
        'internal /api/v1/users/:id/avatar 500 Error',
        ...Array<string>(UNMATCHED_ERRORS[adapter]).fill('not_found (unmatched) 404 NotFoundException'),
        'not_found /api/v1/users/:id 404 NotFoundException',
        'not_found /api/v1/users/:id 404 NotFoundException',
        'validation /api/v1/users 400 BadRequestException',
        'validation /api/v1/users/:id/orders 400 BadRequestException',
      ].sort(),
    );
    // The 500s' events carry the trace ids their responses did.
    const avatarEvents = errors.filter((e) => e.http_route === '/api/v1/users/:id/avatar');
    expect(avatarEvents.map((e) => e.trace_id).sort()).toEqual([...avatarTraceIds].sort());
    // The orders module's own filter answered OrderNotFoundError: no global filter, no Pulse error.
    expect(errors.filter((e) => String(e.msg).includes('order 99'))).toEqual([]);
  });

  it('attributes each pg query in a service to the route that ran it', () => {
    const perRoute = byKey(
      parseSamples(exposition),
      'pulse_db_route_queries_total',
      (l) => `${l.http_route} ${l.db_operation_name} ${l.db_collection_name}`,
    );
    expect(perRoute).toEqual({
      '/api/v1/users/:id/orders SELECT nest_fixture_orders': 2,
      '/api/v1/orders/:orderId SELECT nest_fixture_orders': 2,
      '/api/v2/orders/:orderId SELECT nest_fixture_orders': 1,
    });
    const ops = byKey(
      parseSamples(exposition),
      'db_client_operation_duration_seconds_count',
      (l) => `${l.db_operation_name} ${l.db_collection_name} ${l.error_type}`,
    );
    expect(ops['SELECT nest_fixture_orders ']).toBe(5);
  });
});
