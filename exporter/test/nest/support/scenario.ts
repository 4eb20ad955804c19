import pg from 'pg';
import { parseSamples } from '../../support/app';

// The traffic both Nest tests send to the fixture app, what Pulse must count for it, and the
// orders table its services query.

export const DURATION = 'http_server_request_duration_seconds_count';

export interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
}

// Each request with the status Nest answers it with; raw values (ids, skus, unknown paths) must
// never reach a label.
export const CALLS: Call[] = [
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
export const EXPECTED_REQUESTS: Record<string, number> = {
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

export type Adapter = 'express' | 'fastify';
export const MAIN: Record<Adapter, string> = { express: 'main.js', fastify: 'main-fastify.js' };

/**
 * Nest's NotFoundExceptions for paths no controller has: under the prefix on Express (outside it
 * Express answers by itself), everywhere on Fastify (Nest sets Fastify's not-found handler).
 */
export const UNMATCHED_ERRORS: Record<Adapter, number> = { express: 2, fastify: 3 };

/** `error_type route` -> count in pulse_errors_total: what reached the global PulseExceptionFilter. */
export const expectedErrors = (adapter: Adapter): Record<string, number> => ({
  'not_found /api/v1/users/:id': 2,
  'validation /api/v1/users/:id/orders': 1,
  'internal /api/v1/users/:id/avatar': 2,
  'validation /api/v1/users': 1,
  'auth /api/v1/users/:id': 1,
  'not_found (unmatched)': UNMATCHED_ERRORS[adapter],
});

export const RAW_VALUES = ['s3cr3t', 'token', 'passwd', '%2e', 'abc', 'sku-', 'nope', 'v3', '/9', '/99'];

export async function send(baseUrl: string, call: Call): Promise<Response> {
  const res = await fetch(baseUrl + call.path, {
    method: call.method ?? 'GET',
    headers: { ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers },
    body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
  });
  await res.arrayBuffer();
  return res;
}

export function byKey(
  samples: ReturnType<typeof parseSamples>,
  name: string,
  key: (l: Record<string, string>) => string,
) {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === name) out[key(s.labels)] = (out[key(s.labels)] ?? 0) + s.value;
  return out;
}

// A schema of this run's own (the app's connection string selects it), so two runs of these tests
// at once never share the table.
const SCHEMA = `nest_fixture_${process.pid}`;
export const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/test?options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`;

/** Creates the orders table the app's services query; returns its removal. */
export async function createOrdersTable(): Promise<() => Promise<void>> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pool.query(`CREATE SCHEMA ${SCHEMA}`);
  await pool.query(
    'CREATE TABLE nest_fixture_orders (id int PRIMARY KEY, user_id int NOT NULL, total numeric NOT NULL)',
  );
  await pool.query('INSERT INTO nest_fixture_orders VALUES (1, 1, 9.50), (2, 1, 3.00), (3, 2, 7.25)');
  return async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  };
}

/** Sends CALLS in order: each response's status, and the trace ids of the /avatar 500s. */
export async function sendCalls(baseUrl: string): Promise<{ statuses: number[]; avatarTraceIds: string[] }> {
  const statuses: number[] = [];
  const avatarTraceIds: string[] = [];
  for (const call of CALLS) {
    const res = await send(baseUrl, call);
    statuses.push(res.status);
    if (call.path.endsWith('/avatar')) avatarTraceIds.push(res.headers.get('x-trace-id') ?? '');
  }
  return { statuses, avatarTraceIds };
}
