import { catalog } from '@pulse-apm/exporter/catalog';
import {
  SERVER_ERROR_STATUS,
  healthCheckStatus,
  histogramErrorRate,
  histogramRate,
  nPlusOneIncrease,
  requestRate,
  slowQueryRate,
} from '@pulse-apm/exporter/queries/promql';
import { LIVE_STACK_JOBS, startLiveStack, type LiveStack } from './live-stack';
import { get } from './metrics-text';

// The fixture other packages run their PromQL against: what it promises must hold in Prometheus.

let stack: LiveStack;
let startupMs = 0;
const demo = { job: LIVE_STACK_JOBS.demo };
const window = '1m';

beforeAll(async () => {
  const t0 = Date.now();
  stack = await startLiveStack();
  startupMs = Date.now() - t0;
}, 90_000);
afterAll(() => stack?.stop());

type Row = { [label: string]: string | number | undefined; value: number };
const values = async (expr: string): Promise<Row[]> =>
  (await stack.prom.query(expr)).map((s) => ({ ...s.metric, value: s.value }));

it('starts within 30 s (60 s on the embedded PGlite)', () => {
  expect(startupMs).toBeLessThan(process.env.LIVE_STACK_DB === 'pglite' ? 60_000 : 30_000);
});

it('serves request rates for 2xx, 4xx and 5xx answers of the demo', async () => {
  const byStatus = await values(requestRate({ selector: demo, window, by: ['http_response_status_code'] }));
  const classes = new Set(byStatus.filter((s) => s.value > 0).map((s) => String(s.http_response_status_code)[0]));
  expect([...classes].sort()).toEqual(['2', '4', '5']);
  const errors = await stack.prom.query(
    requestRate({ selector: { ...demo, http_response_status_code: SERVER_ERROR_STATUS }, window }),
  );
  expect(errors[0]?.value).toBeGreaterThan(0);
});

it('holds N+1 findings for the feed and slow queries for the search', async () => {
  const n1 = await values(nPlusOneIncrease({ selector: demo, window, by: ['http_route', 'db_collection_name'] }));
  expect(
    n1
      .filter((s) => s.value > 0)
      .map((s) => `${s.http_route} ${s.db_collection_name}`)
      .sort(),
  ).toEqual(['/api/v1/posts/feed comments', '/api/v1/posts/feed users']);
  const slow = await stack.prom.query(slowQueryRate({ selector: demo, window }));
  expect(slow[0]?.value).toBeGreaterThan(0);
});

it('holds database operations, including failed ones', async () => {
  const ops = await stack.prom.query(histogramRate(catalog.dbClientOperationDuration, { selector: demo, window }));
  expect(ops[0]?.value).toBeGreaterThan(0);
  const failed = await values(
    histogramErrorRate(catalog.dbClientOperationDuration, { selector: demo, window, by: ['error_type'] }),
  );
  expect(failed.filter((s) => s.value > 0).length).toBeGreaterThan(0);
});

it('holds payments calls that succeeded and that failed (status and timeout)', async () => {
  const calls = await values(
    histogramRate(catalog.httpClientRequestDuration, {
      selector: { ...demo, dependency: 'payments' },
      window,
      by: ['http_response_status_code', 'error_type'],
    }),
  );
  // Prometheus drops empty labels: a call without error_type has none. A 402 is an answer, not a failure.
  const seen = calls
    .filter((s) => s.value > 0)
    .map((s) => `${s.http_response_status_code ?? ''}/${s.error_type ?? ''}`);
  expect(seen).toEqual(expect.arrayContaining(['201/', '402/', '500/500']));
  expect(seen.some((s) => s.endsWith('/timeout'))).toBe(true);
  // Only the demo's own calls: not the test's requests to the demo, Prometheus or the event sink.
  const deps = await values(
    histogramRate(catalog.httpClientRequestDuration, { window: '1h', by: ['job', 'dependency'] }),
  );
  expect(deps.map((s) => `${s.job}/${s.dependency}`)).toEqual(['demo/payments']);
});

it('shows failing non-critical checks next to healthy critical ones, on both services', async () => {
  const byName = async (job: string) =>
    Object.fromEntries((await values(healthCheckStatus({ selector: { job } }))).map((s) => [s.check, s.value]));
  expect(await byName(LIVE_STACK_JOBS.demo)).toEqual({ postgres: 1, payments: 0, disk: 1 });
  expect(await byName(LIVE_STACK_JOBS.payments)).toEqual({ processor: 1, settlement: 0, memory: 1, event_loop: 1 });
  // Degraded, still ready: probes of /health/ready keep answering 200.
  for (const url of [stack.demoUrl, stack.paymentsUrl]) expect((await get(`${url}/health/ready`)).status).toBe(200);
  expect((await get(`${stack.paymentsUrl}/health`)).status).toBe(207);
});

it('driveTraffic() adds another burst that Prometheus sees', async () => {
  const total = async (): Promise<number> =>
    (await stack.prom.query(`sum(${catalog.httpServerRequestDuration.name}_count{job="${LIVE_STACK_JOBS.demo}"})`))[0]!
      .value;
  const before = await total();
  const results = await stack.driveTraffic();
  expect(results.filter((r) => r.status !== r.expect)).toEqual([]);
  expect(await total()).toBeGreaterThanOrEqual(before + results.length);
});
