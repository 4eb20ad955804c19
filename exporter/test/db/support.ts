/**
 * Shared helpers of the db signal's tests: a PulseCore built like createPulse() builds it, but
 * whose events land in an array; readers for the metrics; connection settings of the real
 * servers; unique table names so test files can run side by side.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveOptions } from '../../src/config/options';
import type { PulseCore, RequestEnd } from '../../src/core';
import type { RequestContext } from '../../src/context/request-context';
import type { DbApi } from '../../src/db/index';
import { createDbSignal } from '../../src/db/index';
import type { DbOptions } from '../../src/db/options';
import type { PulseEvent } from '../../src/events';
import { createHttpSignal } from '../../src/http/middleware';
import { MetricRegistry } from '../../src/metrics/registry';
import { Histogram } from '../../src/metrics/histogram';
import { Counter } from '../../src/metrics/counter';
import { Gauge } from '../../src/metrics/gauge';

export const PG = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
};

export const MYSQL = {
  host: process.env.MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: process.env.MYSQL_USER ?? 'root',
  database: process.env.MYSQL_DATABASE ?? 'test',
};

/** A port nothing listens on (connection refused). */
export const CLOSED_PORT = 1;

export function uniqueTable(prefix: string): string {
  return `pulse_${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export interface TestDb {
  core: PulseCore;
  api: DbApi;
  events: PulseEvent[];
  internalErrors: unknown[];
  middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  shutdown(): Promise<void>;
}

/** The db signal (and the HTTP middleware that creates request contexts) over a capturing sink. */
export function createTestDb(db: DbOptions, metrics: { exemplars?: boolean } = {}): TestDb {
  const options = resolveOptions({ serviceName: 'db-test', metrics: { defaultMetrics: false, ...metrics }, db });
  const registry = new MetricRegistry({ maxSeriesPerMetric: options.metrics.maxSeriesPerMetric });
  const events: PulseEvent[] = [];
  const internalErrors: unknown[] = [];
  const shutdownHooks: (() => void | Promise<void>)[] = [];
  const requestEndHooks: ((ctx: RequestContext, end: RequestEnd) => void)[] = [];
  const core: PulseCore = {
    options,
    metrics: registry,
    events: { emit: (event) => void events.push(event) },
    internalError: (_signal, err) => void internalErrors.push(err),
    onShutdown: (fn) => void shutdownHooks.push(fn),
    onRequestEnd: (fn) => void requestEndHooks.push(fn),
    addEndpoint: () => undefined,
  };
  const { api } = createDbSignal(core);
  const http = createHttpSignal(core, [], requestEndHooks);
  return {
    core,
    api,
    events,
    internalErrors,
    middleware: http.middleware,
    async shutdown() {
      for (const hook of shutdownHooks.reverse()) await hook();
    },
  };
}

type Labels = Record<string, string>;

function matching<S extends { labelValues: readonly string[] }>(
  registry: MetricRegistry,
  name: string,
  labels: Labels,
): S[] {
  const metric = registry.get(name);
  if (metric === undefined) return [];
  const names = metric.def.labelNames;
  return (metric.series as unknown as S[]).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labelValues[names.indexOf(k)] === v),
  );
}

/** Sum of `_count` over the histogram series whose labels include `labels`. */
export function operationCount(registry: MetricRegistry, labels: Labels): number {
  const metric = registry.get('db_client_operation_duration_seconds');
  if (!(metric instanceof Histogram) && metric !== undefined) throw new Error('not a histogram');
  return matching<{ labelValues: string[]; count: number }>(
    registry,
    'db_client_operation_duration_seconds',
    labels,
  ).reduce((sum, s) => sum + s.count, 0);
}

export function counterValue(registry: MetricRegistry, name: string, labels: Labels = {}): number {
  const metric = registry.get(name);
  if (metric !== undefined && !(metric instanceof Counter)) throw new Error(`${name} is not a counter`);
  return matching<{ labelValues: string[]; value: number }>(registry, name, labels).reduce(
    (sum, s) => sum + s.value,
    0,
  );
}

/** A gauge's value after running the collectors, as a scrape would. */
export async function gaugeValue(registry: MetricRegistry, name: string, labels: Labels): Promise<number | undefined> {
  await registry.collect();
  const metric = registry.get(name);
  if (metric !== undefined && !(metric instanceof Gauge)) throw new Error(`${name} is not a gauge`);
  const found = matching<{ labelValues: string[]; value: number }>(registry, name, labels);
  return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
}

/** Label sets of the histogram series (to look at what was recorded). */
export function operationLabels(registry: MetricRegistry): Labels[] {
  const metric = registry.get('db_client_operation_duration_seconds');
  if (metric === undefined) return [];
  const names = metric.def.labelNames;
  return metric.series.map((s) => Object.fromEntries(names.map((n, i) => [n, s.labelValues[i]!])));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (for pool states that settle asynchronously). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
