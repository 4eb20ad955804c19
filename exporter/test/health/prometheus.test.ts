/**
 * Dependency, health and runtime series as a real Prometheus (Debian's 2.42) scrapes them from a
 * real Express app, checked with the PromQL the Dependencies, Health and Runtime views will use.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { excludeFromDependencyTracking } from '../../src/deps/index';
import { listen, type RunningApp } from '../support/app';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';

jest.setTimeout(60_000);

const JOB = 'pulse-deps-health';
let dependency: http.Server;
let depPort: number;
let pool: pg.Pool;
let pulse: Pulse;
let app: RunningApp;
let prom: PrometheusHandle;

beforeAll(async () => {
  dependency = http.createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/fail') ? 500 : 200).end('{}');
  });
  await new Promise<void>((r) => dependency.listen(0, '127.0.0.1', r));
  depPort = (dependency.address() as AddressInfo).port;
  pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 5 });

  pulse = createPulse({
    serviceName: 'prom-deps-test',
    env: 'test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { sampleIntervalMs: 500 },
    deps: { names: { [`127.0.0.1:${depPort}`]: 'payments' } },
    health: {
      interval: 500,
      checks: {
        postgres: { pool },
        http: { url: `http://127.0.0.1:${depPort}/fail`, name: 'payments_api' },
      },
    },
  });
  const web = express();
  web.use(pulse.middleware());
  web.get('/checkout', async (_req, res) => {
    const answer = await fetch(`http://127.0.0.1:${depPort}/charge`);
    await answer.arrayBuffer();
    res.json({ ok: answer.ok });
  });
  pulse.mount(web);
  app = await listen(web as never);
  prom = await startPrometheus({ targets: [{ job: JOB, address: `127.0.0.1:${app.port}` }] });
  // This test process is also the app's client and Prometheus's API client: keep those calls out
  // (the harness's readiness polls before this line are counted; queries below filter by name).
  excludeFromDependencyTracking(app.baseUrl);
  excludeFromDependencyTracking(prom.url);
});

afterAll(async () => {
  await prom?.stop();
  await app?.close();
  await pulse?.shutdown();
  await pool?.end();
  await new Promise((r) => dependency?.close(r));
});

const scalar = async (expr: string): Promise<number | undefined> => (await prom.query(expr))[0]?.value;

test('dependency, health and runtime series answer the queries the views will run', async () => {
  // One checkout before the first scrape, so rate() has a baseline sample of the series.
  await fetch(`${app.baseUrl}/checkout`).then((r) => r.arrayBuffer());
  await prom.waitForScrapes(JOB, 1);
  // Traffic: 11 more checkouts (each one fetch), 4 failing node:http calls, 3 tracked Redis calls.
  for (let i = 0; i < 11; i++) await fetch(`${app.baseUrl}/checkout`).then((r) => r.arrayBuffer());
  for (let i = 0; i < 4; i++) {
    await new Promise<void>((resolve) =>
      http.get(`http://127.0.0.1:${depPort}/fail`, { agent: false }, (res) => res.resume().on('end', resolve)),
    );
  }
  for (let i = 0; i < 3; i++) await pulse.trackDependency('cache', async () => 'hit', { type: 'redis' });
  await pulse.health.run();
  await prom.waitForScrapes(JOB, 3);

  const sel = `job="${JOB}"`;
  // Outgoing HTTP, by dependency and outcome: exact counts (counters are cumulative).
  expect(
    await scalar(`sum(http_client_request_duration_seconds_count{${sel},dependency="payments",error_type=""})`),
  ).toBe(12);
  expect(
    await scalar(
      `sum(http_client_request_duration_seconds_count{${sel},dependency="payments",http_response_status_code="500",error_type="500",server_address="127.0.0.1",server_port="${depPort}"})`,
    ),
  ).toBe(4);
  // One metric for every dependency, HTTP or not.
  const byDependency = await prom.query(
    `sum by (dependency, dependency_type) (pulse_dependency_duration_seconds_count{${sel},dependency=~"payments|cache"})`,
  );
  expect(byDependency.map((s) => [s.metric.dependency, s.metric.dependency_type, s.value]).sort()).toEqual([
    ['cache', 'redis', 3],
    ['payments', 'http', 16],
  ]);
  const errorRatio = await scalar(
    `sum(pulse_dependency_duration_seconds_count{${sel},dependency="payments",error_type!=""}) / sum(pulse_dependency_duration_seconds_count{${sel},dependency="payments"})`,
  );
  expect(errorRatio).toBeCloseTo(4 / 16);
  const p95 = await scalar(
    `histogram_quantile(0.95, sum by (le) (rate(pulse_dependency_duration_seconds_bucket{${sel},dependency="payments"}[1m])))`,
  );
  expect(p95).toBeGreaterThan(0);
  expect(p95).toBeLessThanOrEqual(10);
  // Health probes (the http check hits the same server) are not dependency traffic.
  expect(await scalar(`sum(http_client_request_duration_seconds_count{${sel},server_port="${depPort}"})`)).toBe(16);

  // Health: postgres healthy and critical, the payments API failing and not critical → degraded.
  expect(await scalar(`pulse_health_check_status{${sel},check="postgres",critical="true"}`)).toBe(1);
  expect(await scalar(`pulse_health_check_status{${sel},check="payments_api",critical="false"}`)).toBe(0);
  expect(await scalar(`pulse_health_status{${sel}}`)).toBe(0.5);
  expect(await scalar(`pulse_health_check_flapping{${sel},check="postgres"}`)).toBe(0);
  expect(await scalar(`pulse_health_check_duration_seconds{${sel},check="postgres"}`)).toBeGreaterThan(0);
  const failing = await prom.query(`pulse_health_check_status{${sel}} < 1`);
  expect(failing.map((s) => s.metric.check)).toEqual(['payments_api']);

  // Runtime
  const elu = await scalar(`nodejs_eventloop_utilization_ratio{${sel}}`);
  expect(elu).toBeGreaterThanOrEqual(0);
  expect(elu).toBeLessThanOrEqual(1);
  expect(
    await scalar(
      `pulse_runtime_info{${sel},service_name="prom-deps-test",env="test",nodejs_version="${process.versions.node}"}`,
    ),
  ).toBe(1);
  expect(await scalar(`nodejs_eventloop_delay_p99_seconds{${sel}}`)).toBeGreaterThanOrEqual(0);
  expect(await scalar(`max(pulse_runtime_leak_suspected{${sel}})`)).toBe(0);
  expect(await scalar(`nodejs_heap_size_limit_bytes{${sel}}`)).toBeGreaterThan(0);
  // The server side saw the checkouts, not the health probes.
  expect(await scalar(`sum(http_server_request_duration_seconds_count{${sel},http_route="/checkout"})`)).toBe(12);
});
