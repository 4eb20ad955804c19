/**
 * The live stack: the demo API and the payments service, real PostgreSQL, traffic that touches
 * every route and signal, and a private Prometheus scraping both — for tests that run PromQL
 * (dashboards, the Grafana app's pages) against real exporter output.
 *
 *   import { startLiveStack, type LiveStack } from '../../demo/test/live-stack';
 *   let stack: LiveStack;
 *   beforeAll(async () => { stack = await startLiveStack(); }, 60_000);
 *   afterAll(() => stack?.stop());
 *   it('...', async () => { expect((await stack.prom.query(expr)).length).toBeGreaterThan(0); });
 *
 * STABLE SIGNATURE (other packages import it):
 *   startLiveStack(options?: LiveStackOptions) → Promise<LiveStack>
 *   LiveStack = { prom: PrometheusHandle, demoUrl, paymentsUrl, stop(), driveTraffic() }
 *
 * What you get once it resolves (typically 15–25 s):
 * - Prometheus (exporter/test/support/prometheus.ts, 1 s scrapes, exemplar storage on) with jobs
 *   `demo` and `payments` (target label `job`; `instance` = 127.0.0.1:PORT), each scraped many times.
 * - Two rounds of the deterministic burst (demo/src/traffic/burst.ts) with scrapes between them,
 *   so counters INCREASE inside Prometheus and `rate()`/`increase()` over [1m] are non-zero:
 *   HTTP 2xx/4xx/5xx and an unmatched route; N+1 (/api/v1/posts/feed, tables users and comments);
 *   slow queries (/api/v1/search); db errors (unique and foreign-key violations, unknown column);
 *   captured errors (TypeError, database); the `payments` dependency with 201, 402, 500 and a timeout.
 * - Health: demo checks postgres (critical), payments and disk (non-critical); payments checks
 *   processor (critical), settlement (non-critical), memory, event_loop. After the bursts payments
 *   is put into a DEGRADED state (settlement lagging; charges still work, every /health/ready
 *   stays 200, so blackbox probes pass): `pulse_health_check_status` is 0 for
 *   {job="payments",check="settlement"} and {job="demo",check="payments"} (the demo's check
 *   wants payments' /health to answer 200, not 207), both services' `pulse_health_status` is 0.5,
 *   every other check is 1. Both were 1 before, so their history holds both values.
 *   `noOutage: true` leaves everything healthy.
 * - Rates over [1m] fall back to 0 a minute after the last burst: a suite that runs long calls
 *   driveTraffic() before its rate() queries (Prometheus's 1 h retention keeps everything else).
 * - Samples of every key family: http_server_request_duration_seconds, db_client_operation_duration_seconds,
 *   http_client_request_duration_seconds, pulse_health_check_status, runtime gauges.
 *
 * Database: PostgreSQL at postgres://postgres@127.0.0.1:5432/test (LIVE_STACK_DATABASE_URL
 * overrides) in a schema of its own (`pulse_live_<pid>_<n>`, dropped on stop), so parallel test
 * files never share rows; LIVE_STACK_DB=pglite (or `database: 'pglite'`) uses an embedded PGlite
 * (in a worker thread: works under any jest config; start-up +7–20 s).
 *
 * driveTraffic(): one more burst (payments healthy during it), two more scrapes of each job,
 * the degraded state again, and the same wait for data; resolves to the burst's results (each step with
 * the status it got).
 * Events (errors, slow queries, N+1…) go to a Loki-shaped sink that drops them, so test output
 * stays readable; `events: 'stdout'` prints them as JSON lines instead.
 * stop(): stops Prometheus, the demo (dropping its schema) and payments; idempotent.
 *
 * Needs jest's `node` environment (in a jsdom project: a `@jest-environment node` docblock) and
 * Debian's `prometheus` binary (the harness throws when it is missing, never skips).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HEALTH_UNHEALTHY,
  gaugeValue,
  healthCheckStatus,
  histogramRate,
  nPlusOneIncrease,
  slowQueryRate,
  targetUp,
} from '@pulse-apm/exporter/queries/promql';
import { catalog } from '@pulse-apm/exporter/catalog';
import { excludeFromDependencyTracking } from '@pulse-apm/exporter';
import { startPrometheus, type PrometheusHandle, type StartOptions } from '../../exporter/test/support/prometheus';
import { getFreePort } from '../../exporter/test/support/free-port';
import { startDemo, type RunningDemo } from '../src/start-demo';
import { startPayments, type RunningPayments } from '../src/payments/start';
import { driveBurst, type BurstResult } from '../src/traffic/burst';

export type { PrometheusHandle };

export interface LiveStackOptions {
  /** Default: LIVE_STACK_DB (`postgres` or `pglite`), else `postgres`. */
  database?: 'postgres' | 'pglite';
  /** Default 1. */
  scrapeIntervalSeconds?: number;
  /** Leave payments healthy at the end (no failing non-critical checks). Default false. */
  noOutage?: boolean;
  /**
   * Where Pulse's events (errors, slow queries, N+1…) go: `discard` ships them to a Loki-shaped
   * sink that drops them (keeps test output readable), `stdout` prints the JSON lines. Default discard.
   */
  events?: 'discard' | 'stdout';
  /** Passed to the stack's Prometheus: a second store fed by remote_write, rule files it evaluates. */
  prometheus?: Pick<StartOptions, 'remoteWriteUrls' | 'ruleFiles'>;
}

export interface LiveStack {
  prom: PrometheusHandle;
  /** http://127.0.0.1:PORT of the demo API (Prometheus job `demo`). */
  demoUrl: string;
  /** http://127.0.0.1:PORT of the payments service (Prometheus job `payments`). */
  paymentsUrl: string;
  /** Another deterministic burst; resolves after two more scrapes of each job. */
  driveTraffic(): Promise<BurstResult[]>;
  stop(): Promise<void>;
}

export const LIVE_STACK_JOBS = { demo: 'demo', payments: 'payments' } as const;
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const READY_TIMEOUT_MS = 30_000;
let instances = 0;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The families the stack promises, as queries that must return a sample > 0. */
function keyFamilyQueries(): Record<string, string> {
  const demo = { job: LIVE_STACK_JOBS.demo };
  const o = { selector: demo, window: '1m' };
  return {
    http: histogramRate(catalog.httpServerRequestDuration, o),
    db: histogramRate(catalog.dbClientOperationDuration, o),
    deps: histogramRate(catalog.httpClientRequestDuration, o),
    health: `count(${healthCheckStatus({ selector: demo })})`,
    runtime: `count(${gaugeValue(catalog.nodejsEventLoopUtilization, { selector: demo })})`,
    nPlusOne: nPlusOneIncrease(o),
    slowQueries: slowQueryRate(o),
  };
}

interface EventSink {
  url: string;
  close(): Promise<void>;
}

/** Answers Loki pushes with 204 and keeps nothing. */
function startDiscardingLoki(): Promise<EventSink> {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export async function startLiveStack(options: LiveStackOptions = {}): Promise<LiveStack> {
  const database = options.database ?? (process.env.LIVE_STACK_DB === 'pglite' ? 'pglite' : 'postgres');
  const scrape = options.scrapeIntervalSeconds ?? 1;
  let payments: RunningPayments | undefined;
  let demo: RunningDemo | undefined;
  let prom: PrometheusHandle | undefined;
  let sink: EventSink | undefined;
  const stopAll = async (): Promise<void> => {
    await prom?.stop();
    await demo?.stop();
    await payments?.stop();
    await sink?.close();
  };
  try {
    sink = options.events === 'stdout' ? undefined : await startDiscardingLoki();
    const lokiUrl = sink?.url;
    payments = await startPayments({ failureRate: 0, latencyMs: [5, 40], healthIntervalMs: 1_000, lokiUrl });
    // Prometheus starts before the demo: the demo's Pulse measures this process's outgoing HTTP,
    // and must not count the harness's readiness polls or queries as dependency calls. So the
    // demo's port is chosen first (retried if another process takes it in between).
    for (let attempt = 1; ; attempt++) {
      const demoPort = await getFreePort();
      prom = await startPrometheus({
        targets: [
          { job: LIVE_STACK_JOBS.demo, address: `127.0.0.1:${demoPort}` },
          { job: LIVE_STACK_JOBS.payments, address: new URL(payments.baseUrl).host },
        ],
        scrapeIntervalSeconds: scrape,
        ...options.prometheus,
      });
      excludeFromDependencyTracking(prom.url);
      try {
        demo = await startDemo({
          port: demoPort,
          databaseUrl:
            database === 'pglite' ? undefined : (process.env.LIVE_STACK_DATABASE_URL ?? DEFAULT_DATABASE_URL),
          schema: database === 'pglite' ? 'public' : `pulse_live_${process.pid}_${++instances}`,
          dropSchemaOnStop: database !== 'pglite',
          paymentsUrl: payments.baseUrl,
          healthIntervalMs: 1_000,
          lokiUrl,
        });
        break;
      } catch (err) {
        await prom.stop();
        prom = undefined;
        if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw err;
      }
    }
    const p = prom;
    const d = demo;
    const pay = payments;

    const waitScrapes = async (count: number): Promise<void> => {
      await Promise.all([
        p.waitForScrapes(LIVE_STACK_JOBS.demo, count),
        p.waitForScrapes(LIVE_STACK_JOBS.payments, count),
      ]);
    };
    const scrapesSoFar = async (): Promise<number> => {
      const up = targetUp({ job: { regex: `${LIVE_STACK_JOBS.demo}|${LIVE_STACK_JOBS.payments}` } });
      const v = await p.query(`min(sum_over_time(${up}[1h]))`);
      return v[0]?.value ?? 0;
    };
    // Both sides: payments' own non-critical check and the demo's non-critical check of payments.
    const degradedVisible = async (): Promise<boolean> => {
      const failing = async (job: string, check: string): Promise<boolean> =>
        (await p.query(`${healthCheckStatus({ selector: { job, check } })} == ${HEALTH_UNHEALTHY}`)).length > 0;
      return (
        (await failing(LIVE_STACK_JOBS.payments, 'settlement')) && (await failing(LIVE_STACK_JOBS.demo, 'payments'))
      );
    };
    const queries = keyFamilyQueries();
    /** Until every key family has data (and, unless noOutage, the payments check fails). */
    const waitForData = async (): Promise<void> => {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        const missing: string[] = [];
        for (const [name, expr] of Object.entries(queries)) {
          const v = await p.query(expr);
          if (!v.some((s) => s.value > 0)) missing.push(name);
        }
        if (!options.noOutage && !(await degradedVisible())) missing.push('failing non-critical checks');
        if (missing.length === 0) return;
        if (Date.now() > deadline) {
          throw new Error(`live stack: no data for ${missing.join(', ')} after ${READY_TIMEOUT_MS} ms`);
        }
        await sleep(500);
      }
    };
    const burst = async (): Promise<BurstResult[]> => {
      pay.state.outageUntil = 0;
      pay.state.degradedUntil = 0;
      const results = await driveBurst(d.baseUrl);
      await waitScrapes((await scrapesSoFar()) + 2);
      return results;
    };
    const degrade = (): void => {
      if (!options.noOutage) pay.state.degradedUntil = Date.now() + 24 * 3600_000;
    };
    const driveTraffic = async (): Promise<BurstResult[]> => {
      const results = await burst();
      degrade();
      await waitForData();
      return results;
    };

    // Scraped once before the first burst, so the burst's counters rise inside Prometheus.
    await waitScrapes(1);
    await burst();
    await driveTraffic();

    let stopping: Promise<void> | undefined;
    return {
      prom: p,
      demoUrl: d.baseUrl,
      paymentsUrl: pay.baseUrl,
      driveTraffic,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
