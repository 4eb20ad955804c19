// Every PromQL expression Pulse ships — for the Grafana app, the dashboards and the alert rules —
// built in one place from the catalog's metric and label names. No Node imports: the Grafana app
// imports this module (`@pulse-apm/exporter/queries/promql`).
//
// Builders are small pure functions returning strings. A `selector` narrows the series (literal
// values or Grafana variables: `{ job: { regex: '$job' } }`); `by` lists the labels kept by the
// aggregation. Service identity (`job`, `instance`) comes from target labels, not metric names.
import { DEFAULT_METRIC_NAMES } from '../catalog/index';
import { dbClientConnectionCount, dbClientConnectionMax, dbClientConnectionPendingRequests } from '../catalog/db';
import { pulseDbNPlusOne, pulseDbRouteQueries, pulseDbSlowQueries } from '../catalog/db';
import { pulseDependencyDuration } from '../catalog/deps';
import { pulseErrors } from '../catalog/errors';
import { pulseHealthCheckFlapping, pulseHealthCheckStatus, HEALTH_STATUS_VALUES } from '../catalog/health';
import { httpServerRequestDuration } from '../catalog/http';
import { pulseLogEvents } from '../catalog/logs';
import { nodejsEventLoopDelayP99, nodejsHeapSizeLimit, pulseRuntimeLeakSuspected } from '../catalog/runtime';
import type { MetricDefinition } from '../catalog/types';

/** Grafana's rate window variable (at least four scrape intervals): dashboards pass it as `window`. */
export const GRAFANA_RATE_INTERVAL = '$__rate_interval';

/** Target labels Prometheus attaches to every scraped series; `le` is the histogram bucket label. */
export const TARGET_LABELS = { job: 'job', instance: 'instance' } as const;
export const BUCKET_LABEL = 'le';

/** Series Prometheus itself writes for every target. */
export const PROMETHEUS_METRICS = { up: 'up' } as const;

/** Series the blackbox exporter writes for every probe (not Pulse's: named here because rules query them). */
export const BLACKBOX_METRICS = {
  success: 'probe_success',
  duration: 'probe_duration_seconds',
  httpStatusCode: 'probe_http_status_code',
  certExpiry: 'probe_ssl_earliest_cert_expiry',
} as const;

// ---------------------------------------------------------------------------------------------
// Selectors

/** An exact value, `{ regex }` for `=~` (Grafana multi-value variables need it), or their negations. */
export type LabelMatch = string | { regex: string } | { not: string } | { notRegex: string };
/** Label name → match; undefined entries are skipped so callers can pass optional filters. */
export type Selector = Readonly<Record<string, LabelMatch | undefined>>;

/** A PromQL double-quoted string literal. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function matcher(name: string, value: LabelMatch): string {
  if (typeof value === 'string') return `${name}=${promqlString(value)}`;
  if ('regex' in value) return `${name}=~${promqlString(value.regex)}`;
  if ('notRegex' in value) return `${name}!~${promqlString(value.notRegex)}`;
  return `${name}!=${promqlString(value.not)}`;
}

/** `{job="api", http_route=~"/a|/b"}`, or '' when nothing is selected. */
export function selector(sel: Selector = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(sel)) if (value !== undefined) parts.push(matcher(name, value));
  return parts.length === 0 ? '' : `{${parts.join(', ')}}`;
}

/** A selector on Grafana template variables, multi-value safe: `variableSelector(['job'])` → `job=~"$job"`. */
export function variableSelector(labels: readonly string[]): Selector {
  const sel: Record<string, LabelMatch> = {};
  for (const label of labels) sel[label] = { regex: `$${label}` };
  return sel;
}

/** Two selectors merged (the second wins on the same label). */
export function withMatchers(base: Selector | undefined, extra: Selector): Selector {
  return { ...(base ?? {}), ...extra };
}

function byClause(by: readonly string[] | undefined): string {
  return by && by.length > 0 ? ` by (${by.join(', ')})` : '';
}

/** A metric's series name: histograms add `_bucket`, `_count` or `_sum`. */
export function seriesName(def: MetricDefinition, suffix?: 'bucket' | 'count' | 'sum'): string {
  if (suffix && def.type !== 'histogram') throw new Error(`${def.name} is a ${def.type}, not a histogram`);
  return suffix ? `${def.name}_${suffix}` : def.name;
}

/** One of prom-client's default metric names (type-checked against the catalog's list). */
export function defaultMetric(name: (typeof DEFAULT_METRIC_NAMES)[number]): string {
  return name;
}

export interface AggregateOptions {
  selector?: Selector;
  /** Labels kept by the aggregation; empty = one series in all. */
  by?: readonly string[];
  /** Range of rate()/increase(); default 5m (pass GRAFANA_RATE_INTERVAL in dashboards). */
  window?: string;
  /** Evaluate this far in the past (`offset`), e.g. the previous window for a trend. */
  offset?: string;
}

function rangeOf(o: AggregateOptions, defaultWindow = '5m'): string {
  return `[${o.window ?? defaultWindow}]${o.offset ? ` offset ${o.offset}` : ''}`;
}

function sumRate(series: string, o: AggregateOptions, extra: Selector = {}): string {
  return `sum${byClause(o.by)} (rate(${series}${selector(withMatchers(o.selector, extra))}${rangeOf(o)}))`;
}

// ---------------------------------------------------------------------------------------------
// HTTP server (RED)

/** The status codes that count against availability. */
export const SERVER_ERROR_STATUS: LabelMatch = { regex: '5..' };
const STATUS = 'http_response_status_code' satisfies (typeof httpServerRequestDuration.labelNames)[number];
const ROUTE = 'http_route' satisfies (typeof pulseDbRouteQueries.labelNames)[number];

/** Requests per second. */
export function requestRate(o: AggregateOptions = {}): string {
  return sumRate(seriesName(httpServerRequestDuration, 'count'), o);
}

/** Requests over the window (`$__range` in a dashboard: requests in the selected time range). */
export function requestCount(o: AggregateOptions = {}): string {
  const series = seriesName(httpServerRequestDuration, 'count');
  return `sum${byClause(o.by)} (increase(${series}${selector(o.selector)}${rangeOf(o)}))`;
}

/** 5xx responses per second. */
export function errorRate(o: AggregateOptions = {}): string {
  return sumRate(seriesName(httpServerRequestDuration, 'count'), o, { [STATUS]: SERVER_ERROR_STATUS });
}

/** Share (0–1) of requests answered with a 5xx. */
export function errorRatio(o: AggregateOptions = {}): string {
  return `${errorRate(o)} / ${requestRate(o)}`;
}

/**
 * The same share where "no 5xx" reads 0, not an empty result: a route without a single 5xx has no
 * error series, so the plain ratio has no value for it (a blank cell, a gap). The total's series,
 * times 0, fill in for the missing numerator; `clamp_min` keeps an idle window at 0 instead of NaN.
 */
export function errorRatioOrZero(o: AggregateOptions = {}): string {
  return `(${errorRate(o)} or 0 * ${requestRate(o)}) / clamp_min(${requestRate(o)}, 1e-9)`;
}

/** Latency quantile (0–1) from the duration histogram, e.g. `latencyQuantile(0.95, { by: ['http_route'] })`. */
export function latencyQuantile(q: number, o: AggregateOptions = {}): string {
  const by = [BUCKET_LABEL, ...(o.by ?? [])];
  return `histogram_quantile(${q}, ${sumRate(seriesName(httpServerRequestDuration, 'bucket'), { ...o, by })})`;
}

/** Captured application errors per second (pulse_errors_total: 4xx classes included). */
export function capturedErrorRate(o: AggregateOptions = {}): string {
  return sumRate(pulseErrors.name, o);
}

// ---------------------------------------------------------------------------------------------
// SLOs: availability objectives and burn rates (SRE workbook, chapter 5)

/** How many times faster than allowed the error budget burns over `window`: errorRatio / (1 − objective). */
export function sloBurnRate(window: string, objective: number, o: Omit<AggregateOptions, 'window'> = {}): string {
  return `(${errorRatio({ ...o, window })}) / ${formatNumber(1 - objective)}`;
}

export interface BurnWindow {
  long: string;
  short: string;
  /** Burn-rate factor both windows must exceed. */
  factor: number;
}

/** Page: 2 % of a 30-day budget in 1 h, or 5 % in 6 h. */
export const FAST_BURN_WINDOWS: readonly BurnWindow[] = [
  { long: '1h', short: '5m', factor: 14.4 },
  { long: '6h', short: '30m', factor: 6 },
];
/** Ticket: 10 % of the budget in 1 d, or 10 % in 3 d. */
export const SLOW_BURN_WINDOWS: readonly BurnWindow[] = [
  { long: '1d', short: '2h', factor: 3 },
  { long: '3d', short: '6h', factor: 1 },
];

/** Multi-window multi-burn-rate condition: true (returns series) while any window pair burns too fast. */
export function multiWindowBurnRate(
  objective: number,
  windows: readonly BurnWindow[],
  o: Omit<AggregateOptions, 'window'> = {},
): string {
  const on = o.by && o.by.length > 0 ? ` on (${o.by.join(', ')})` : '';
  return windows
    .map(
      (w) =>
        `(${sloBurnRate(w.long, objective, o)} > ${w.factor} and${on} ${sloBurnRate(w.short, objective, o)} > ${w.factor})`,
    )
    .join(' or ');
}

// ---------------------------------------------------------------------------------------------
// Anomalies: z-score of a recorded series against its own history

/** Recording-rule names (`level:metric:operation`) the anomaly rules build on. */
export const RECORDED = {
  requestRate: 'job:http_server_requests:rate5m',
  probeDuration: 'instance:probe_duration_seconds:avg5m',
} as const;

/** Names of a recorded series' history statistics: `<name>:avg_over_time_1w`, `<name>:stddev_over_time_1w`. */
export function historyNames(recorded: string, history = '1w'): { avg: string; stddev: string } {
  return { avg: `${recorded}:avg_over_time_${history}`, stddev: `${recorded}:stddev_over_time_${history}` };
}

/** The expression recording the mean (or standard deviation) of `recorded` over `history`. */
export function historyStat(recorded: string, stat: 'avg' | 'stddev', history = '1w'): string {
  return `${stat}_over_time(${recorded}[${history}])`;
}

/** How many standard deviations the recorded series is from its history's mean. */
export function zScore(recorded: string, history = '1w'): string {
  const h = historyNames(recorded, history);
  return `(${recorded} - ${h.avg}) / ${h.stddev}`;
}

// ---------------------------------------------------------------------------------------------
// Targets, health checks, runtime

/** 1 while Prometheus scrapes the target, 0 while it cannot. */
export function targetUp(sel: Selector = {}): string {
  return `${PROMETHEUS_METRICS.up}${selector(sel)}`;
}

/**
 * 1 for every target scraped successfully at least once over `window` (0 if every scrape failed).
 * A target listed here but down (`up == 0`) or absent from `targetUp` now stopped reporting.
 */
export function targetSeen(window: string, sel: Selector = {}): string {
  return `max_over_time(${targetUp(sel)}[${window}])`;
}

/** Per-check status (1 healthy, 0.5 degraded, 0 unhealthy); `critical: true` keeps the critical checks. */
export function healthCheckStatus(o: { selector?: Selector; critical?: boolean } = {}): string {
  const extra: Selector = o.critical === undefined ? {} : { critical: String(o.critical) };
  return `${pulseHealthCheckStatus.name}${selector(withMatchers(o.selector, extra))}`;
}

/** Status value of an unhealthy check. */
export const HEALTH_UNHEALTHY = HEALTH_STATUS_VALUES.unhealthy;

export function healthCheckFlapping(sel: Selector = {}): string {
  return `${pulseHealthCheckFlapping.name}${selector(sel)}`;
}

/** p99 event-loop delay (seconds) over the runtime signal's last sampling window. */
export function eventLoopDelayP99(sel: Selector = {}): string {
  return `${nodejsEventLoopDelayP99.name}${selector(sel)}`;
}

/** Used heap as a share (0–1) of V8's heap limit. */
export function heapUsedRatio(sel: Selector = {}): string {
  return `${defaultMetric('nodejs_heap_size_used_bytes')}${selector(sel)} / ${nodejsHeapSizeLimit.name}${selector(sel)}`;
}

/** 1 while the leak heuristic suspects `resource` (heap, handles) grows without bound. */
export function leakSuspected(sel: Selector = {}): string {
  return `${pulseRuntimeLeakSuspected.name}${selector(sel)}`;
}

// ---------------------------------------------------------------------------------------------
// Database

/** Slow queries per second (db.slowQueries.thresholdMs). */
export function slowQueryRate(o: AggregateOptions = {}): string {
  return sumRate(pulseDbSlowQueries.name, o);
}

/** N+1 findings over the window (a count, not a rate: findings are rare). */
export function nPlusOneIncrease(o: AggregateOptions = {}): string {
  return `sum${byClause(o.by)} (increase(${pulseDbNPlusOne.name}${selector(o.selector)}[${o.window ?? '15m'}]))`;
}

const POOL = 'db_client_connection_pool_name' satisfies (typeof dbClientConnectionMax.labelNames)[number];
const POOL_STATE = 'db_client_connection_state' satisfies (typeof dbClientConnectionCount.labelNames)[number];

/** Connections in use as a share (0–1) of the pool's maximum, per job, instance and pool. */
export function dbPoolUsage(sel: Selector = {}): string {
  const by = byClause([TARGET_LABELS.job, TARGET_LABELS.instance, POOL]);
  const used = `sum${by} (${dbClientConnectionCount.name}${selector(withMatchers(sel, { [POOL_STATE]: 'used' }))})`;
  return `${used} / max${by} (${dbClientConnectionMax.name}${selector(sel)})`;
}

/** Requests waiting for a pool connection, per job, instance and pool. */
export function dbPoolPending(sel: Selector = {}): string {
  const by = byClause([TARGET_LABELS.job, TARGET_LABELS.instance, POOL]);
  return `sum${by} (${dbClientConnectionPendingRequests.name}${selector(sel)})`;
}

// ---------------------------------------------------------------------------------------------
// Dependencies, log shipping

const DEP_ERROR = 'error_type' satisfies (typeof pulseDependencyDuration.labelNames)[number];

/** Share (0–1) of dependency calls that failed (any `error_type`). */
export function dependencyErrorRatio(o: AggregateOptions = {}): string {
  const series = seriesName(pulseDependencyDuration, 'count');
  return `${sumRate(series, o, { [DEP_ERROR]: { not: '' } })} / ${sumRate(series, o)}`;
}

/** Share (0–1) of dependency calls that succeeded (no `error_type`): 1 − dependencyErrorRatio. */
export function dependencyAvailability(o: AggregateOptions = {}): string {
  return `1 - (${dependencyErrorRatio(o)})`;
}

/** dependencyErrorRatio where a dependency that never failed reads 0 (see errorRatioOrZero). */
export function dependencyErrorRatioOrZero(o: AggregateOptions = {}): string {
  const series = seriesName(pulseDependencyDuration, 'count');
  const all = sumRate(series, o);
  return `(${sumRate(series, o, { [DEP_ERROR]: { not: '' } })} or 0 * ${all}) / clamp_min(${all}, 1e-9)`;
}

/** dependencyAvailability where a dependency that never failed reads 1 (100 %), not an empty result. */
export function dependencyAvailabilityOrFull(o: AggregateOptions = {}): string {
  return `1 - (${dependencyErrorRatioOrZero(o)})`;
}

/** Dependency calls per second. */
export function dependencyRate(o: AggregateOptions = {}): string {
  return sumRate(seriesName(pulseDependencyDuration, 'count'), o);
}

/** Log events dropped per second (never delivered to Loki), by whatever `by` keeps (e.g. `reason`). */
export function logDropRate(o: AggregateOptions = {}): string {
  return sumRate(pulseLogEvents.name, o, { outcome: 'dropped' });
}

/**
 * Log events pushed but never confirmed, per second (`outcome="unknown"`: the push timed out, so
 * Loki may or may not have stored them); shown beside the drops.
 */
export function logUnconfirmedRate(o: AggregateOptions = {}): string {
  return sumRate(pulseLogEvents.name, o, { outcome: 'unknown' });
}

// ---------------------------------------------------------------------------------------------
// Blackbox probes (uptime checks)

export function probeSuccess(sel: Selector = {}): string {
  return `${BLACKBOX_METRICS.success}${selector(sel)}`;
}

export function probeDuration(sel: Selector = {}): string {
  return `${BLACKBOX_METRICS.duration}${selector(sel)}`;
}

/** Days until the earliest certificate in the probed chain expires. */
export function certExpiryDays(sel: Selector = {}): string {
  return `(${BLACKBOX_METRICS.certExpiry}${selector(sel)} - time()) / 86400`;
}

/** HTTP status code the probed URL answered with (0 when it did not answer). */
export function probeHttpStatus(sel: Selector = {}): string {
  return `${BLACKBOX_METRICS.httpStatusCode}${selector(sel)}`;
}

/** Share (0–1) of successful probes over `window` (`$__range` in a dashboard: uptime over the time picker). */
export function probeUptimeRatio(window: string, sel: Selector = {}): string {
  return `avg_over_time(${BLACKBOX_METRICS.success}${selector(sel)}[${window}])`;
}

// ---------------------------------------------------------------------------------------------
// Generic builders over the catalog: the dashboards plot many gauges, counters and histograms
// as they are; these keep the names coming from the catalog instead of string literals.

/** prom-client default metrics that are gauges (the counters and histograms go through the other builders). */
export type DefaultGaugeName = Exclude<
  (typeof DEFAULT_METRIC_NAMES)[number],
  'process_cpu_seconds_total' | 'nodejs_gc_duration_seconds'
>;
/** prom-client default metrics that are counters. */
export type DefaultCounterName = 'process_cpu_seconds_total';

function metricName(metric: MetricDefinition | string, type: MetricDefinition['type']): string {
  if (typeof metric === 'string') return metric;
  if (metric.type !== type) throw new Error(`${metric.name} is a ${metric.type}, not a ${type}`);
  return metric.name;
}

export interface GaugeOptions {
  selector?: Selector;
  /** Labels kept by the aggregation; omitted = every series as scraped (no aggregation). */
  by?: readonly string[];
  /** How series are combined when `by` is given; default `sum`. */
  aggregate?: 'sum' | 'max' | 'min' | 'avg';
}

/** A gauge's value, as scraped or aggregated by `by` (e.g. event-loop utilisation per instance). */
export function gaugeValue(metric: MetricDefinition | DefaultGaugeName, o: GaugeOptions = {}): string {
  const series = `${metricName(metric, 'gauge')}${selector(o.selector)}`;
  return o.by === undefined ? series : `${o.aggregate ?? 'sum'}${byClause(o.by)} (${series})`;
}

/** Per-second rate of a counter, summed by `by` (e.g. CPU seconds per second, queries per second per route). */
export function counterRate(metric: MetricDefinition | DefaultCounterName, o: AggregateOptions = {}): string {
  return sumRate(metricName(metric, 'counter'), o);
}

/** Observations per second of any histogram (its `_count`), e.g. database operations or GC pauses. */
export function histogramRate(metric: MetricDefinition, o: AggregateOptions = {}, extra: Selector = {}): string {
  return sumRate(seriesName(metric, 'count'), o, extra);
}

/** Per-second rate of a histogram's `_sum`: for a seconds histogram, the share of time spent (e.g. in GC pauses). */
export function histogramSumRate(metric: MetricDefinition, o: AggregateOptions = {}): string {
  return sumRate(seriesName(metric, 'sum'), o);
}

/** Quantile (0–1) of any histogram, e.g. p95 database operation duration by table. */
export function histogramQuantile(q: number, metric: MetricDefinition, o: AggregateOptions = {}): string {
  const by = [BUCKET_LABEL, ...(o.by ?? [])];
  return `histogram_quantile(${q}, ${sumRate(seriesName(metric, 'bucket'), { ...o, by })})`;
}

/** Failed observations per second of a histogram that labels failures with `error_type` (db operations, dependencies). */
export function histogramErrorRate(metric: MetricDefinition, o: AggregateOptions = {}): string {
  if (!metric.labelNames.includes(DEP_ERROR)) throw new Error(`${metric.name} has no ${DEP_ERROR} label`);
  return sumRate(seriesName(metric, 'count'), o, { [DEP_ERROR]: { not: '' } });
}

/** Database operations per HTTP request, per route: the N+1 smell as a number. */
export function dbQueriesPerRequest(o: AggregateOptions = {}): string {
  const by = [...(o.by ?? []), ROUTE];
  return `${sumRate(pulseDbRouteQueries.name, { ...o, by })} / ${requestRate({ ...o, by })}`;
}

/**
 * A windowed expression divided by itself one window earlier: the trend (1.2 = up 20 %), e.g.
 * `vsPreviousWindow(requestRate, { window: '$__range', by: ['http_route'] })`. No series where
 * the previous window had none.
 */
export function vsPreviousWindow(
  build: (o: AggregateOptions) => string,
  o: AggregateOptions & { window: string },
): string {
  return `(${build(o)}) / (${build({ ...o, offset: o.window })})`;
}

/** Numbers as PromQL literals, without float noise (1 − 0.999 → 0.001). */
export function formatNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** Every query builder, by name: what the tests check against real Prometheus. */
export const promqlQueries = {
  requestRate,
  requestCount,
  vsPreviousWindow,
  errorRate,
  errorRatio,
  errorRatioOrZero,
  latencyQuantile,
  capturedErrorRate,
  sloBurnRate,
  multiWindowBurnRate,
  zScore,
  targetUp,
  targetSeen,
  healthCheckStatus,
  healthCheckFlapping,
  eventLoopDelayP99,
  heapUsedRatio,
  leakSuspected,
  slowQueryRate,
  nPlusOneIncrease,
  dbPoolUsage,
  dbPoolPending,
  dependencyErrorRatio,
  dependencyAvailability,
  dependencyErrorRatioOrZero,
  dependencyAvailabilityOrFull,
  dependencyRate,
  logDropRate,
  logUnconfirmedRate,
  probeSuccess,
  probeDuration,
  certExpiryDays,
  probeHttpStatus,
  probeUptimeRatio,
  gaugeValue,
  counterRate,
  histogramRate,
  histogramSumRate,
  histogramQuantile,
  histogramErrorRate,
  dbQueriesPerRequest,
} as const;
