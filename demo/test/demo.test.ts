import { startDemo, type RunningDemo } from '../src/start-demo';
import { startPayments, type RunningPayments } from '../src/payments/start';
import { driveBurst } from '../src/traffic/burst';
import { DEMO_ROUTES } from '../src/api/app';
import { get, parseSamples } from './metrics-text';
import { missingSignals } from './signals';

// The demo API in-process, on the embedded PGlite and on the real PostgreSQL: every route
// answers as documented and every signal reaches /metrics.

const POSTGRES_URL = process.env.LIVE_STACK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe.each([
  ['embedded PGlite', undefined],
  ['PostgreSQL', POSTGRES_URL],
])('the demo on %s', (_name, databaseUrl) => {
  let payments: RunningPayments;
  let demo: RunningDemo;
  let startMs = 0;

  beforeAll(async () => {
    payments = await startPayments({ failureRate: 0, latencyMs: 5 });
    const t0 = Date.now();
    demo = await startDemo({
      databaseUrl,
      schema: databaseUrl ? `pulse_demo_test_${process.pid}` : undefined,
      dropSchemaOnStop: true,
      paymentsUrl: payments.baseUrl,
      healthIntervalMs: 500,
      lokiUrl: undefined,
    });
    startMs = Date.now() - t0;
  }, 60_000);
  afterAll(async () => {
    await demo?.stop();
    await payments?.stop();
  });

  // Generous: PGlite's WASM start-up alone is 7 s on an idle 2-core machine and 3× that under load.
  it('starts (database, schema, seed) within 45 s', () => {
    expect(demo.embedded).toBe(databaseUrl === undefined);
    expect(startMs).toBeLessThan(45_000);
  });

  it('answers every step of the burst with the documented status, covering every route', async () => {
    const results = await driveBurst(demo.baseUrl);
    expect(
      results.filter((r) => r.status !== r.expect).map((r) => `${r.method} ${r.path}: ${r.status}, want ${r.expect}`),
    ).toEqual([]);
    const metrics = parseSamples((await get(`${demo.baseUrl}/metrics`)).body);
    const routesSeen = new Set(metrics.map((s) => `${s.labels.http_request_method} ${s.labels.http_route}`));
    expect(DEMO_ROUTES.map((r) => `${r.method} ${r.route}`).filter((r) => !routesSeen.has(r))).toEqual([]);
  }, 30_000);

  it('has every signal in /metrics', async () => {
    // Health checks run every 500 ms; give them a moment after the burst.
    let missing: string[] = [];
    for (let i = 0; i < 20; i++) {
      missing = missingSignals(parseSamples((await get(`${demo.baseUrl}/metrics`)).body));
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(missing).toEqual([]);
  });

  it('reports healthy with its postgres, payments and disk checks (names and status only: no health.auth)', async () => {
    const res = await get(`${demo.baseUrl}/health`);
    const body = JSON.parse(res.body) as { status: string; checks: Record<string, Record<string, unknown>> };
    expect(res.status).toBe(200);
    // An anonymous caller sees each check's status and nothing else (details need health.auth).
    expect(body.checks).toEqual({
      postgres: { status: 'healthy' },
      payments: { status: 'healthy' },
      disk: { status: 'healthy' },
    });
  });
});

it('creates schema and seed idempotently: a second start on the same schema keeps the rows', async () => {
  const payments = await startPayments({ failureRate: 0, latencyMs: 0 });
  const schema = `pulse_demo_idem_${process.pid}`;
  const first = await startDemo({ databaseUrl: POSTGRES_URL, schema, paymentsUrl: payments.baseUrl });
  const second = await startDemo({
    databaseUrl: POSTGRES_URL,
    schema,
    dropSchemaOnStop: true,
    paymentsUrl: payments.baseUrl,
  });
  try {
    const count = async (d: RunningDemo): Promise<number> =>
      (JSON.parse((await get(`${d.baseUrl}/api/v1/users?limit=100`)).body) as unknown[]).length;
    expect(await count(second)).toBe(100);
    expect(await count(first)).toBe(100);
    const res = await get(`${second.baseUrl}/api/v1/users/201`);
    expect(res.status).toBe(404); // seeded once: 200 users, not 400
  } finally {
    await first.stop();
    await second.stop();
    await payments.stop();
  }
}, 30_000);
