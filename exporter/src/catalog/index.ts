// The one source of truth for every metric Pulse emits. Metrics are registered from here and
// nowhere else; the Grafana app, dashboards, alert rules and docs/metrics.md read it too.
// No Node-only imports in this folder.
import * as http from './http';
import * as pulse from './pulse';
import * as db from './db';
import * as runtime from './runtime';
import * as deps from './deps';
import * as health from './health';
import * as logs from './logs';
import * as errors from './errors';
import type { MetricDefinition } from './types';

export * from './types';
export * from './buckets';
export * from './http';
export * from './pulse';
export * from './db';
export * from './runtime';
export * from './deps';
export * from './health';
export * from './logs';
export * from './errors';

/** Every metric definition, keyed by its export name. */
export const catalog = {
  httpServerRequestDuration: http.httpServerRequestDuration,
  httpServerActiveRequests: http.httpServerActiveRequests,
  httpServerRequestBodySize: http.httpServerRequestBodySize,
  httpServerResponseBodySize: http.httpServerResponseBodySize,
  pulseSeriesDropped: pulse.pulseSeriesDropped,
  pulseScrapeDuration: pulse.pulseScrapeDuration,
  pulseInternalErrors: pulse.pulseInternalErrors,
  pulseClusterPeerRequests: pulse.pulseClusterPeerRequests,
  dbClientOperationDuration: db.dbClientOperationDuration,
  dbClientConnectionCount: db.dbClientConnectionCount,
  dbClientConnectionPendingRequests: db.dbClientConnectionPendingRequests,
  dbClientConnectionMax: db.dbClientConnectionMax,
  pulseDbRouteQueries: db.pulseDbRouteQueries,
  pulseDbRouteQueryDuration: db.pulseDbRouteQueryDuration,
  pulseDbNPlusOne: db.pulseDbNPlusOne,
  pulseDbSlowQueries: db.pulseDbSlowQueries,
  pulseDbEvents: db.pulseDbEvents,
  pulseDbUntrackedQueries: db.pulseDbUntrackedQueries,
  nodejsEventLoopUtilization: runtime.nodejsEventLoopUtilization,
  nodejsEventLoopDelayP50: runtime.nodejsEventLoopDelayP50,
  nodejsEventLoopDelayP90: runtime.nodejsEventLoopDelayP90,
  nodejsEventLoopDelayP99: runtime.nodejsEventLoopDelayP99,
  nodejsEventLoopDelayMax: runtime.nodejsEventLoopDelayMax,
  v8GcDuration: runtime.v8GcDuration,
  nodejsHeapSizeLimit: runtime.nodejsHeapSizeLimit,
  pulseRuntimeInfo: runtime.pulseRuntimeInfo,
  pulseRuntimeLeakSuspected: runtime.pulseRuntimeLeakSuspected,
  pulseRuntimeGrowthRatio: runtime.pulseRuntimeGrowthRatio,
  httpClientRequestDuration: deps.httpClientRequestDuration,
  pulseDependencyDuration: deps.pulseDependencyDuration,
  pulseHealthCheckStatus: health.pulseHealthCheckStatus,
  pulseHealthCheckDuration: health.pulseHealthCheckDuration,
  pulseHealthStatus: health.pulseHealthStatus,
  pulseHealthCheckFlapping: health.pulseHealthCheckFlapping,
  pulseLogEvents: logs.pulseLogEvents,
  pulseLogBufferBytes: logs.pulseLogBufferBytes,
  pulseLogEventsTruncated: logs.pulseLogEventsTruncated,
  pulseLogFieldsRenamed: logs.pulseLogFieldsRenamed,
  pulseErrors: errors.pulseErrors,
} as const;

export type Catalog = typeof catalog;

export const allMetrics: readonly MetricDefinition[] = Object.values(catalog);

/** prom-client's collectDefaultMetrics() families Pulse leaves unprefixed (community dashboards query them). */
export const DEFAULT_METRIC_NAMES = [
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_gc_duration_seconds',
  'nodejs_active_handles_total',
  'nodejs_version_info',
  'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_total_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_active_handles',
  'nodejs_active_resources_total',
  'process_start_time_seconds',
] as const;

/** Labels of the prom-client default metrics above (they are not Pulse's, so not in the catalog entries). */
export const DEFAULT_METRIC_LABELS = {
  /** V8 heap space (`new_space`, `old_space`, …) on nodejs_heap_space_size_*_bytes. */
  heapSpace: 'space',
  /** Handle type (`Socket`, `Timeout`, …) on nodejs_active_handles. */
  handleType: 'type',
  /** GC kind on nodejs_gc_duration_seconds. */
  gcKind: 'kind',
} as const;
