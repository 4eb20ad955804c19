import { rmSync } from 'node:fs';
import type { PrometheusHandle, PromVector } from '../support/prometheus';
import { startPrometheus } from '../support/prometheus';
import type { RunningNestApp } from './support/nest-app';
import { buildNestApp, startNestApp } from './support/nest-app';
import type { Adapter } from './support/scenario';
import {
  createOrdersTable,
  DATABASE_URL,
  EXPECTED_REQUESTS,
  expectedErrors,
  MAIN,
  sendCalls,
} from './support/scenario';

// The Nest fixture app on both adapters, scraped by a real Prometheus: the counts PromQL sums per
// route template are the requests sent, exactly, and the error and per-route query counts too.

const ADAPTERS: Adapter[] = ['express', 'fastify'];
const job = (adapter: Adapter): string => `nest-${adapter}`;

const keyed = (vector: PromVector, key: (labels: Record<string, string>) => string): Record<string, number> =>
  Object.fromEntries(vector.map((s) => [key(s.metric), s.value]));

describe('NestJS apps on real Prometheus', () => {
  let dir: string;
  let dropOrdersTable: (() => Promise<void>) | undefined;
  const apps = new Map<Adapter, RunningNestApp>();
  let prom: PrometheusHandle;

  beforeAll(async () => {
    dropOrdersTable = await createOrdersTable();
    dir = await buildNestApp('esm');
    for (const adapter of ADAPTERS) {
      const app = await startNestApp(dir, MAIN[adapter], { DATABASE_URL });
      apps.set(adapter, app);
      // Sent before Prometheus starts: every scrape sees the final counts.
      await sendCalls(app.baseUrl);
    }
    prom = await startPrometheus({
      targets: ADAPTERS.map((adapter) => ({ job: job(adapter), address: `127.0.0.1:${apps.get(adapter)!.port}` })),
    });
    for (const adapter of ADAPTERS) await prom.waitForScrapes(job(adapter), 2);
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    for (const app of apps.values()) await app.stop();
    await dropOrdersTable?.();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it.each(ADAPTERS)('sums each route template of the %s adapter to the requests sent', async (adapter) => {
    const requests = await prom.query(
      `sum by (http_request_method, http_route, http_response_status_code) ` +
        `(http_server_request_duration_seconds_count{job="${job(adapter)}"})`,
    );
    expect(keyed(requests, (l) => `${l.http_request_method} ${l.http_route} ${l.http_response_status_code}`)).toEqual(
      EXPECTED_REQUESTS,
    );

    const errors = await prom.query(`sum by (error_type, http_route) (pulse_errors_total{job="${job(adapter)}"})`);
    expect(keyed(errors, (l) => `${l.error_type} ${l.http_route}`)).toEqual(expectedErrors(adapter));

    const queries = await prom.query(`sum by (http_route) (pulse_db_route_queries_total{job="${job(adapter)}"})`);
    expect(keyed(queries, (l) => l.http_route!)).toEqual({
      '/api/v1/users/:id/orders': 2,
      '/api/v1/orders/:orderId': 2,
      '/api/v2/orders/:orderId': 1,
    });
  });
});
