// Every LogQL query Pulse ships — for the Grafana app, the dashboards and the Loki alert rules —
// built in one place from the catalog's label and metadata names. No Node imports: the Grafana
// app imports this module (`@pulse-apm/exporter/queries/logql`).
//
// Stream selectors use only the bounded labels (service_name, env, event_kind, level); per-event
// fields (fingerprint, route, trace id, error type) are structured metadata and are filtered with
// label filters after the selector (`| fingerprint="…"`), which Loki evaluates without an index.
import type { EventKindLabel } from '../catalog/logs';
import { LIFECYCLE_REASONS, LOG_METADATA, LOG_TAG_PREFIX, LOKI_LABELS } from '../catalog/logs';

export { EVENT_KINDS, LIFECYCLE_FIELDS, LOG_LEVELS, LOG_METADATA, LOG_TAG_PREFIX, LOKI_LABELS } from '../catalog/logs';

/** Grafana's automatic range/step variable: dashboards pass it, Grafana interpolates it before Loki sees the query. */
export const GRAFANA_AUTO_RANGE = '$__auto';

/** An exact value, or `{ regex }` for `=~` (Grafana multi-value variables need it). */
export type MatchValue = string | { regex: string };

/**
 * Which service's events. Values may be literal or Grafana variables (`$service`); `{ regex }`
 * serves multi-value variables (an env variable with "All" → `env=~".*"`). The service should
 * stay an exact value: Loki needs one matcher that cannot match the empty string.
 */
export interface LogScope {
  service: MatchValue;
  env?: MatchValue;
  /**
   * Which processes (`service_instance_id`, structured metadata on every line). A filter after
   * the selector, not a stream label: one value per process would multiply the streams.
   */
  instance?: MatchValue;
}

/** A LogQL double-quoted string literal. */
export function logqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function match(name: string, value: MatchValue): string {
  return typeof value === 'string' ? `${name}=${logqlString(value)}` : `${name}=~${logqlString(value.regex)}`;
}

/** `{service_name="api", env="prod", event_kind="error"}`; several kinds become one `=~`. */
export function logSelector(scope: LogScope, kind?: EventKindLabel | readonly EventKindLabel[]): string {
  const matchers = [match(LOKI_LABELS.serviceName, scope.service)];
  if (scope.env !== undefined) matchers.push(match(LOKI_LABELS.env, scope.env));
  if (kind !== undefined) {
    matchers.push(
      typeof kind === 'string'
        ? match(LOKI_LABELS.eventKind, kind)
        : match(LOKI_LABELS.eventKind, { regex: kind.join('|') }),
    );
  }
  return `{${matchers.join(', ')}}`;
}

/** Label filter stages for the given structured metadata values (undefined ones are skipped). */
function metadataFilters(filters: Record<string, MatchValue | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) out += ` | ${match(name, value)}`;
  return out;
}

/** The scope's lines of the given kinds: the stream selector, then the instance filter if any. */
function scoped(scope: LogScope, kind?: EventKindLabel | readonly EventKindLabel[]): string {
  return logSelector(scope, kind) + metadataFilters({ [LOG_METADATA.instance]: scope.instance });
}

export interface ErrorFilter {
  fingerprint?: MatchValue;
  errorType?: MatchValue;
  route?: MatchValue;
  traceId?: MatchValue;
}

/** Error events, optionally narrowed to one group (fingerprint), type, route or trace. */
export function errorEvents(scope: LogScope, filter: ErrorFilter = {}): string {
  return (
    scoped(scope, 'error') +
    metadataFilters({
      [LOG_METADATA.fingerprint]: filter.fingerprint,
      [LOG_METADATA.errorType]: filter.errorType,
      [LOG_METADATA.route]: filter.route,
      [LOG_METADATA.traceId]: filter.traceId,
    })
  );
}

/**
 * Error events per group over the range: the "issues" list (`sum by (fingerprint, error_type)`).
 * `by` adds metadata keys to the grouping (e.g. the route: one series per group and route).
 */
export function errorCountByFingerprint(
  scope: LogScope,
  range = GRAFANA_AUTO_RANGE,
  filter: ErrorFilter = {},
  by: readonly (typeof LOG_METADATA)[keyof typeof LOG_METADATA][] = [],
): string {
  const grouping = [LOG_METADATA.fingerprint, LOG_METADATA.errorType, ...by].join(', ');
  return `sum by (${grouping}) (count_over_time(${errorEvents(scope, filter)} [${range}]))`;
}

/** The `k` most frequent error groups over the range. */
export function topErrorGroups(scope: LogScope, range = GRAFANA_AUTO_RANGE, k = 10): string {
  return `topk(${k}, sum by (${LOG_METADATA.fingerprint}) (count_over_time(${errorEvents(scope)} [${range}])))`;
}

/** Error events per second by type and route (shipped events: see pulse_errors_total for exact counts). */
export function errorRateByTypeAndRoute(scope: LogScope, range = GRAFANA_AUTO_RANGE): string {
  return `sum by (${LOG_METADATA.errorType}, ${LOG_METADATA.route}) (rate(${errorEvents(scope)} [${range}]))`;
}

/** Slow requests, optionally for one route and over a duration (seconds). */
export function slowRequests(scope: LogScope, options: { route?: MatchValue; minSeconds?: number } = {}): string {
  let q = scoped(scope, 'slow_request') + metadataFilters({ [LOG_METADATA.route]: options.route });
  if (options.minSeconds !== undefined) q += ` | json | duration_seconds >= ${options.minSeconds}`;
  return q;
}

/** Slow requests per route over the range. */
export function slowRequestCountByRoute(scope: LogScope, range = GRAFANA_AUTO_RANGE): string {
  return `sum by (${LOG_METADATA.route}) (count_over_time(${slowRequests(scope)} [${range}]))`;
}

/** Slow query events (db signal), optionally for one route. */
export function slowQueries(scope: LogScope, options: { route?: MatchValue } = {}): string {
  return scoped(scope, 'slow_query') + metadataFilters({ [LOG_METADATA.route]: options.route });
}

/** N+1 query findings (db signal), optionally for one route. */
export function nPlusOneFindings(scope: LogScope, options: { route?: MatchValue } = {}): string {
  return scoped(scope, 'n_plus_one') + metadataFilters({ [LOG_METADATA.route]: options.route });
}

/** N+1 findings per route over the range. */
export function nPlusOneCountByRoute(scope: LogScope, range = GRAFANA_AUTO_RANGE): string {
  return `sum by (${LOG_METADATA.route}) (count_over_time(${nPlusOneFindings(scope)} [${range}]))`;
}

/** Everything one request logged (events and app logs): the trace view's "logs for this trace". */
export function traceLogs(scope: LogScope, traceId: MatchValue): string {
  return scoped(scope) + metadataFilters({ [LOG_METADATA.traceId]: traceId });
}

/** Custom events, optionally of one type and with given tags (`{ plan: 'pro' }`). */
export function customEvents(
  scope: LogScope,
  options: { type?: MatchValue; tags?: Record<string, MatchValue> } = {},
): string {
  const tags: Record<string, MatchValue> = {};
  for (const [name, value] of Object.entries(options.tags ?? {})) tags[LOG_TAG_PREFIX + name] = value;
  return scoped(scope, 'custom') + metadataFilters({ [LOG_METADATA.eventType]: options.type, ...tags });
}

/** Custom events per type over the range. */
export function customEventCountByType(scope: LogScope, range = GRAFANA_AUTO_RANGE): string {
  return `sum by (${LOG_METADATA.eventType}) (count_over_time(${customEvents(scope)} [${range}]))`;
}

/** Lines per level over the range (app logs and events): the log volume panel. */
export function logVolumeByLevel(scope: LogScope, range = GRAFANA_AUTO_RANGE): string {
  return `sum by (${LOKI_LABELS.level}) (count_over_time(${scoped(scope)} [${range}]))`;
}

/** Lines per event kind over the range. */
export function eventVolumeByKind(scope: LogScope, range = GRAFANA_AUTO_RANGE): string {
  return `sum by (${LOKI_LABELS.eventKind}) (count_over_time(${scoped(scope)} [${range}]))`;
}

/** Start and stop events. */
export function lifecycleEvents(scope: LogScope): string {
  return scoped(scope, 'lifecycle');
}

const GRACEFUL_REASONS = LIFECYCLE_REASONS.filter((r) => r !== 'crash');

/**
 * Graceful stops per instance over the range. An alert on a vanished target (`up == 0`) stays
 * quiet when this is > 0 for the instance: a rollout, not a crash.
 */
export function gracefulStops(scope: LogScope, range = '5m'): string {
  const stops =
    scoped(scope, 'lifecycle') +
    metadataFilters({
      [LOG_METADATA.lifecyclePhase]: 'stop',
      [LOG_METADATA.lifecycleReason]: { regex: GRACEFUL_REASONS.join('|') },
    });
  return `sum by (${LOKI_LABELS.serviceName}, ${LOG_METADATA.instance}) (count_over_time(${stops} [${range}]))`;
}

/** Crashes (an uncaught exception ended the process) per service over the range: a Loki alert rule. */
export function crashes(scope: LogScope, range = '5m'): string {
  const stops =
    scoped(scope, 'lifecycle') +
    metadataFilters({ [LOG_METADATA.lifecyclePhase]: 'stop', [LOG_METADATA.lifecycleReason]: 'crash' });
  return `sum by (${LOKI_LABELS.serviceName}) (count_over_time(${stops} [${range}])) > 0`;
}

/** Every query builder, by name: what the tests parse and check against received data. */
export const logqlQueries = {
  errorEvents,
  errorCountByFingerprint,
  topErrorGroups,
  errorRateByTypeAndRoute,
  slowRequests,
  slowRequestCountByRoute,
  slowQueries,
  nPlusOneFindings,
  nPlusOneCountByRoute,
  traceLogs,
  customEvents,
  customEventCountByType,
  logVolumeByLevel,
  eventVolumeByKind,
  lifecycleEvents,
  gracefulStops,
  crashes,
} as const;
