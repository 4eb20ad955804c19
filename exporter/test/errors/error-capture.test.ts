/**
 * Error capture through the whole product: an Express app with pulse.errorHandler() ships error
 * events to a Loki receiver. Checked: the handler passes the error on unchanged; each event has
 * type, message, trimmed stack, route, method, status, trace id and fingerprint (as structured
 * metadata, never labels); the same bug groups under one fingerprint whatever ids its message
 * carries; pulse_errors_total counts by type and route; captureException works in and out of
 * requests; slow requests carry their slowest queries (real PostgreSQL).
 */
import { hostname } from 'node:os';
import express from 'express';
import pg from 'pg';
import request from 'supertest';
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { counterTotal, pulseShippingTo } from '../logs/helpers';

class UserNotFound extends Error {
  override name = 'UserNotFound';
  status = 404;
}

let loki: LokiReceiver;
let pulse: Pulse;

beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await pulse.shutdown();
  await loki.stop();
});

const errorEvents = () => loki.events().filter((e) => e.labels.event_kind === 'error');

function loadUser(id: string): never {
  throw new UserNotFound(`User ${id} not found (looked up "${id}@example.com")`);
}

function appWith(p: Pulse): { app: express.Express; seen: unknown[] } {
  const app = express();
  const seen: unknown[] = [];
  app.use(p.middleware());
  app.get('/users/:id', (req) => loadUser(req.params.id));
  app.get('/orders/:id', (req, _res, next) =>
    next(new TypeError(`Cannot read properties of undefined (reading 'total') for order ${req.params.id}`)),
  );
  app.get('/ok', (_req, res) => res.send('ok'));
  app.use(p.errorHandler());
  app.use(
    (err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen.push(err);
      res.status(err.status ?? 500).json({ error: err.message });
    },
  );
  return { app, seen };
}

test('the error handler records the error and passes it on unchanged', async () => {
  pulse = pulseShippingTo(loki);
  const { app, seen } = appWith(pulse);
  const res = await request(app)
    .get('/users/42')
    .set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: 'User 42 not found (looked up "42@example.com")' });
  expect(seen).toHaveLength(1);
  expect(seen[0]).toBeInstanceOf(UserNotFound);

  await pulse.shutdown();
  const [event] = errorEvents();
  expect(event).toBeDefined();
  // Stream labels stay bounded: nothing per-request in them.
  expect(Object.keys(event!.labels).sort()).toEqual(['env', 'event_kind', 'level', 'service_name']);
  expect(event!.labels).toMatchObject({ service_name: 'pulse-test', env: 'test', level: 'error', event_kind: 'error' });
  expect(event!.metadata).toEqual({
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    http_route: '/users/:id',
    http_request_method: 'GET',
    http_response_status_code: '404',
    error_type: 'not_found',
    fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    // The process that wrote it (host:pid), as on every line.
    service_instance_id: `${hostname()}:${process.pid}`,
  });
  expect(event!.json).toMatchObject({
    msg: 'User 42 not found (looked up "42@example.com")',
    error_class: 'UserNotFound',
    error_type: 'not_found',
    origin: 'express',
    handled: true,
    request: { url_path: '/users/42', headers: expect.any(Object) },
  });
  // Application frames first, starting with the function that threw.
  const stack = String(event!.json.stack).split('\n');
  expect(stack[0]).toBe('UserNotFound: User 42 not found (looked up "42@example.com")');
  expect(stack[1]).toMatch(/^ {4}at loadUser \((exporter\/)?test\/errors\/error-capture\.test\.ts:\d+:\d+\)$/);
  expect(stack.some((l) => l.includes('node_modules/express'))).toBe(true);
  expect(stack.findIndex((l) => l.includes('node_modules'))).toBeGreaterThan(
    stack.findIndex((l) => l.includes('loadUser')),
  );
  expect(counterTotal(pulse, 'pulse_errors_total', { error_type: 'not_found', http_route: '/users/:id' })).toBe(1);
});

test('the same bug groups under one fingerprint across ids; a different bug does not', async () => {
  pulse = pulseShippingTo(loki);
  const { app } = appWith(pulse);
  for (const id of ['1', '77', 'a3f9c2e1-5b7d-4c1e-9f2a-0b1c2d3e4f50', '65a1f0c2e4b0d3a9f1e2c3b4'])
    await request(app).get(`/users/${id}`);
  for (const id of ['5', '6']) await request(app).get(`/orders/${id}`);
  await pulse.shutdown();
  const byRoute = (route: string) =>
    new Set(
      errorEvents()
        .filter((e) => e.metadata.http_route === route)
        .map((e) => e.metadata.fingerprint),
    );
  expect(byRoute('/users/:id').size).toBe(1);
  expect(byRoute('/orders/:id').size).toBe(1);
  expect([...byRoute('/users/:id')][0]).not.toBe([...byRoute('/orders/:id')][0]);
  expect(errorEvents().filter((e) => e.metadata.http_route === '/orders/:id')[0]!.metadata.error_type).toBe('internal');
  expect(counterTotal(pulse, 'pulse_errors_total', { http_route: '/users/:id' })).toBe(4);
  expect(counterTotal(pulse, 'pulse_errors_total', { error_type: 'internal', http_route: '/orders/:id' })).toBe(2);
  // No fingerprint label on the metric: its cardinality stays that of types × routes.
  expect(pulse.registry.get('pulse_errors_total')!.def.labelNames).toEqual(['error_type', 'http_route']);
});

test('captureException records handled errors, inside a request and outside any', async () => {
  pulse = pulseShippingTo(loki);
  const app = express();
  app.use(pulse.middleware());
  app.get('/pay', (_req, res) => {
    try {
      throw Object.assign(new Error('card declined'), { code: 'card_declined' });
    } catch (err) {
      pulse.captureException(err, { tags: { provider: 'stripe' }, metadata: { amount: 1200 } });
    }
    res.status(402).end();
  });
  await request(app).get('/pay');
  pulse.captureException(new Error('nightly job failed', { cause: new Error('disk full') }));
  pulse.captureException('a string was thrown');
  await pulse.shutdown();

  const [inRequest, job, thrownString] = errorEvents().sort((a, b) => Number(a.tsNs - b.tsNs));
  expect(inRequest!.metadata).toMatchObject({ http_route: '/pay', tag_provider: 'stripe', error_type: 'internal' });
  expect(inRequest!.json).toMatchObject({
    origin: 'captureException',
    error_code: 'card_declined',
    metadata: { amount: 1200 },
  });
  expect(job!.metadata.http_route).toBeUndefined();
  expect(job!.metadata.trace_id).toBeUndefined();
  expect(job!.json.cause).toBe('Error: disk full');
  expect(thrownString!.json).toMatchObject({ msg: 'a string was thrown', error_class: 'non-error string' });
  expect(counterTotal(pulse, 'pulse_errors_total', { http_route: '' })).toBe(2);
});

test('a failure inside Pulse never reaches the app: the error still goes on to the next handler', async () => {
  pulse = pulseShippingTo(loki);
  // An error whose name, message and stack throw when read.
  const trap = {
    get: (): never => {
      throw new Error('trap');
    },
  };
  const hostile = Object.create(Error.prototype, { name: trap, message: trap, stack: trap }) as Error;
  const seen: unknown[] = [];
  const app = express();
  app.use(pulse.middleware());
  app.get('/hostile', (_req, _res, next) => next(hostile));
  app.use(pulse.errorHandler());
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    seen.push(err);
    res.status(500).end();
  });
  const res = await request(app).get('/hostile');
  expect(res.status).toBe(500);
  expect(seen[0]).toBe(hostile);
  expect(counterTotal(pulse, 'pulse_internal_errors_total', { signal: 'errors' })).toBe(1);
});

describe('slow requests', () => {
  const T = `pulse_slow_${process.pid}_${Date.now() % 100000}`;
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
    await pool.query(`CREATE TABLE ${T} (id int PRIMARY KEY)`);
    await pool.query(`INSERT INTO ${T} SELECT generate_series(1, 5)`);
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${T}`);
    await pool.end();
  });

  test('a request over the threshold becomes a slow_request event with its slowest queries', async () => {
    pulse = pulseShippingTo(loki, { errors: { slowRequestSeconds: 0.25 }, db: { pg: true } });
    const app = express();
    app.use(pulse.middleware());
    app.get('/report/:id', async (_req, res) => {
      for (let i = 1; i <= 3; i++) await pool.query(`SELECT id FROM ${T} WHERE id = $1`, [i]);
      await pool.query('SELECT pg_sleep(0.3)');
      res.json('ok');
    });
    app.get('/fast', (_req, res) => res.json('ok'));
    await request(app).get('/report/7').expect(200);
    await request(app).get('/fast').expect(200);
    await pulse.shutdown();

    const slow = loki.events().filter((e) => e.labels.event_kind === 'slow_request');
    expect(slow).toHaveLength(1);
    const [event] = slow;
    expect(event!.labels.level).toBe('warn');
    expect(event!.metadata).toMatchObject({
      http_route: '/report/:id',
      http_request_method: 'GET',
      http_response_status_code: '200',
      trace_id: expect.any(String),
    });
    expect(event!.json.duration_seconds).toBeGreaterThanOrEqual(0.3);
    const queries = event!.json.db_queries as { db_query_text: string; count: number; total_duration_ms: number }[];
    expect(queries[0]!.db_query_text).toMatch(/pg_sleep/);
    expect(queries[0]!.total_duration_ms).toBeGreaterThanOrEqual(300);
    expect(queries[1]).toMatchObject({ count: 3, db_query_text: expect.stringContaining(T) });
  });
});
