import { rmSync } from 'node:fs';
import { parseSamples } from '../support/app';
import type { ModuleFormat, PulseEventLine, RunningNestApp } from './support/nest-app';
import { buildNestApp, startNestApp } from './support/nest-app';
import type { Adapter } from './support/scenario';
import {
  byKey,
  CALLS,
  createOrdersTable,
  DATABASE_URL,
  DURATION,
  EXPECTED_REQUESTS,
  expectedErrors,
  MAIN,
  RAW_VALUES,
  sendCalls,
  UNMATCHED_ERRORS,
} from './support/scenario';

// A NestJS app on its Express and its Fastify adapter (test/nest/app: feature modules, DI, async
// handlers, a guard, the app's own exception filter, a pg pool provider), with Pulse set up by
// the lines the docs show in main.ts (main-fastify.ts for Fastify). Global prefix with an
// excluded route, URI versioning at controller and route level, VERSION_NEUTRAL, route params, Nest's 404s, HttpExceptions, an unexpected error,
// queries on the real PostgreSQL; exact counts and no raw values in labels.

/** One build per module format, shared by both adapters' cases. */
const builds = new Map<ModuleFormat, Promise<string>>();
const builtApp = (format: ModuleFormat): Promise<string> => {
  if (!builds.has(format)) builds.set(format, buildNestApp(format));
  return builds.get(format)!;
};

let dropOrdersTable: (() => Promise<void>) | undefined;
beforeAll(async () => {
  dropOrdersTable = await createOrdersTable();
});

afterAll(async () => {
  await dropOrdersTable?.();
  for (const build of builds.values()) rmSync(await build, { recursive: true, force: true });
});

const CASES: [Adapter, ModuleFormat][] = [
  ['express', 'esm'],
  ['express', 'cjs'],
  ['fastify', 'esm'],
  ['fastify', 'cjs'],
];

describe.each(CASES)('a NestJS app on its %s adapter, built as %s, run as node dist/main.js', (adapter, format) => {
  let app: RunningNestApp;
  let exposition: string;
  let statuses: number[];
  let avatarTraceIds: string[];

  beforeAll(async () => {
    app = await startNestApp(await builtApp(format), MAIN[adapter], { DATABASE_URL });
    ({ statuses, avatarTraceIds } = await sendCalls(app.baseUrl));
    exposition = await (await fetch(`${app.baseUrl}/metrics`)).text();
  }, 120_000);

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

  it("serves Pulse's /health outside the global prefix, and counts none of its own endpoints", async () => {
    const res = await fetch(`${app.baseUrl}/health`);
    expect({ status: res.status, body: (await res.json()) as unknown }).toMatchObject({
      status: 200,
      body: { status: 'healthy' },
    });
    const routes = parseSamples(exposition).flatMap((s) => (s.name === DURATION ? [s.labels.http_route] : []));
    expect(routes.filter((r) => r === '/metrics' || r === '/health')).toEqual([]);
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
