// Label names the pages group and filter by, each checked against the catalog at compile time
// (`satisfies` fails the build if the catalog renames a label).
import {
  DEFAULT_METRIC_LABELS,
  LOG_METADATA,
  WORKER_LABEL,
  type LabelName,
  type dbClientOperationDuration,
  type httpServerRequestDuration,
  type pulseDbRouteQueries,
  type pulseRuntimeInfo,
  type pulseRuntimeLeakSuspected,
  type v8GcDuration,
} from '@pulse-apm/exporter/catalog';
import { TARGET_LABELS } from '@pulse-apm/exporter/queries/promql';

type HttpLabel = LabelName<typeof httpServerRequestDuration>;
type DbLabel = LabelName<typeof dbClientOperationDuration> | LabelName<typeof pulseDbRouteQueries>;

export const LABELS = {
  job: TARGET_LABELS.job,
  instance: TARGET_LABELS.instance,
  /** The service on Loki streams, alert rules and probes (= Prometheus `job` of Pulse's own series). */
  serviceName: 'service_name' satisfies LabelName<typeof pulseRuntimeInfo>,
  /** The process (`host:pid`): on every Loki line and on pulse_runtime_info, next to `instance`. */
  serviceInstanceId: LOG_METADATA.instance satisfies LabelName<typeof pulseRuntimeInfo>,
  /**
   * The worker of a clustered instance (node:cluster, PM2 cluster mode) on the catalog's per-worker
   * gauges; absent on a single process, where Grafana renders `{{worker}}` as nothing.
   */
  worker: WORKER_LABEL,
  route: 'http_route' satisfies HttpLabel,
  method: 'http_request_method' satisfies HttpLabel,
  status: 'http_response_status_code' satisfies HttpLabel,
  errorType: 'error_type' satisfies HttpLabel,
  dbSystem: 'db_system_name' satisfies DbLabel,
  dbOperation: 'db_operation_name' satisfies DbLabel,
  dbCollection: 'db_collection_name' satisfies DbLabel,
  gcType: 'v8js_gc_type' satisfies LabelName<typeof v8GcDuration>,
  leakResource: 'resource' satisfies LabelName<typeof pulseRuntimeLeakSuspected>,
  heapSpace: DEFAULT_METRIC_LABELS.heapSpace,
  handleType: DEFAULT_METRIC_LABELS.handleType,
  /** Structured metadata key of a Loki event's trace id; also the exemplar label on duration histograms. */
  traceId: LOG_METADATA.traceId,
} as const;

/**
 * The legend of a per-worker gauge (event-loop delay and utilisation, health, leak heuristic):
 * `{{instance}} {{worker}}`, so the workers of one instance get a line each, told apart.
 */
export const PROCESS_LEGEND = `{{${LABELS.instance}}} {{${LABELS.worker}}}`;

/** `{{label}}`: a Grafana legend template. */
export function legend(...labels: string[]): string {
  return labels.map((l) => `{{${l}}}`).join(' ');
}
