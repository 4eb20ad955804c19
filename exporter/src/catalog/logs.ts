import { defineMetric } from './types';

// Structured events and logs shipped to Loki: the stream labels and metadata keys every event
// carries, and the metrics that count what happened to them. The LogQL query module
// (src/queries/logql.ts), the Grafana app, dashboards and alert rules build on these names.

/**
 * Loki stream labels. Few and bounded on purpose: every distinct label set is a stream, and
 * Loki's index (and bill) grows with streams. Extra static labels from the options come on top.
 */
export const LOKI_LABELS = {
  serviceName: 'service_name',
  env: 'env',
  level: 'level',
  eventKind: 'event_kind',
} as const;

/** Values of the `event_kind` label. `log` is what `pulse.logger` writes; the rest are events. */
export const EVENT_KINDS = ['error', 'slow_request', 'slow_query', 'n_plus_one', 'custom', 'lifecycle', 'log'] as const;
export type EventKindLabel = (typeof EVENT_KINDS)[number];

/** Values of the `level` label (pino's level names). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevelLabel = (typeof LOG_LEVELS)[number];

/**
 * Structured metadata keys (Loki 3): per-line, queryable with a label filter
 * (`| fingerprint="…"`), never indexed. Unbounded values (trace ids, routes, fingerprints) go
 * here and into the JSON line, never into stream labels. Names match the metric labels where
 * the two describe the same thing, so a PromQL and a LogQL query filter on the same word.
 */
export const LOG_METADATA = {
  traceId: 'trace_id',
  route: 'http_route',
  method: 'http_request_method',
  status: 'http_response_status_code',
  fingerprint: 'fingerprint',
  errorType: 'error_type',
  /** The `type` a custom event was captured with (`signup`, `payment.failed`). */
  eventType: 'event_type',
  /** `start` or `stop`, on lifecycle events. */
  lifecyclePhase: 'lifecycle_phase',
  /** Why a process stopped: `SIGTERM`, `SIGINT`, `shutdown`, `crash`. */
  lifecycleReason: 'lifecycle_reason',
  /**
   * `host:pid` of the process, on every event and log line (bounded: one value per process), so a
   * restart shows as a new instance; pulse_runtime_info carries it too, next to Prometheus's `instance`.
   */
  instance: 'service_instance_id',
} as const;

/** Every structured metadata key Pulse may attach, in the order it attaches them. */
export const LOG_METADATA_KEYS = Object.values(LOG_METADATA);

/** Custom event tags become structured metadata with this prefix (`tag_plan="pro"`). */
export const LOG_TAG_PREFIX = 'tag_';

/**
 * Fields of a log line that Pulse itself sets: the stream labels, the time, and every structured
 * metadata key. A `pulse.logger` line that sets one is renamed `app_<field>` (and counted in
 * pulse_log_fields_renamed_total), so an app line can never pose as an error or crash event, nor
 * replace the trace id, route and method of the request it was written in.
 */
export const RESERVED_LOG_FIELDS = [
  LOKI_LABELS.serviceName,
  LOKI_LABELS.env,
  LOKI_LABELS.level,
  LOKI_LABELS.eventKind,
  'time',
  'tags',
  LOG_METADATA.fingerprint,
  LOG_METADATA.errorType,
  LOG_METADATA.eventType,
  LOG_METADATA.lifecyclePhase,
  LOG_METADATA.lifecycleReason,
  LOG_METADATA.instance,
  LOG_METADATA.traceId,
  LOG_METADATA.route,
  LOG_METADATA.method,
  LOG_METADATA.status,
] as const;

/** What a reserved field of an app log line is renamed to. */
export const APP_FIELD_PREFIX = 'app_';

/**
 * JSON fields of a lifecycle event (in the line, not metadata): what a deploy marker shows.
 * `service_version` only when Pulse knows the version (option, SERVICE_VERSION, package.json).
 */
export const LIFECYCLE_FIELDS = {
  serviceVersion: 'service_version',
  nodeVersion: 'node_version',
  pid: 'pid',
  uptime: 'uptime_seconds',
} as const;

/** `lifecycle_reason` values Pulse writes. */
export const LIFECYCLE_REASONS = ['SIGTERM', 'SIGINT', 'shutdown', 'crash'] as const;

/** `outcome` values of `pulse_log_events_total`. */
export const LOG_OUTCOMES = ['sent', 'dropped', 'retried', 'unknown'] as const;

/**
 * `reason` values of `pulse_log_events_total`, by outcome. Retried events are counted once per
 * retry; sent, dropped and unknown are final (every event ends up in exactly one of them).
 */
export const LOG_OUTCOME_REASONS = {
  sent: ['ok', 'stdout'],
  retried: ['rate_limited', 'server_error', 'network'],
  dropped: [
    /** Loki answered 4xx (bad labels, line too long, too old): retrying would not help. */
    'rejected',
    /** The delivery buffer reached its byte limit: the oldest events made room. */
    'buffer_full',
    /** A batch failed `maxRetries` times in a row. */
    'retries_exhausted',
    /** Still buffered when the shutdown deadline passed. */
    'shutdown',
    /** One event larger than Loki's line limit. */
    'too_large',
    /** The shipping thread could not keep up and its input ring was full. */
    'backpressure',
    /** More error events per second than `errors.maxEventsPerSecond` (the error counter still counts them). */
    'throttled',
    /** The shipping thread died; what it held is lost. */
    'worker_failed',
  ],
  unknown: [
    /**
     * Pushed, but Loki's answer never came (push timeout, shutdown deadline) and no resend was
     * confirmed: Loki may have stored it. Resends are identical, so it is never stored twice.
     */
    'timeout_unconfirmed',
  ],
} as const;

export const pulseLogEvents = defineMetric({
  name: 'pulse_log_events_total',
  type: 'counter',
  unit: '',
  help: 'Log events by delivery outcome (sent, dropped, retried, unknown) and reason; sent + dropped + unknown counts every event once.',
  labelNames: ['outcome', 'reason'],
  signal: 'logs',
});

export const pulseLogBufferBytes = defineMetric({
  name: 'pulse_log_buffer_bytes',
  type: 'gauge',
  unit: 'bytes',
  help: 'Bytes of log events waiting for delivery to Loki (bounded by logs.loki.bufferMaxBytes).',
  labelNames: [],
  signal: 'logs',
  clusterAggregation: 'sum',
});

export const pulseLogEventsTruncated = defineMetric({
  name: 'pulse_log_events_truncated_total',
  type: 'counter',
  unit: '',
  help: 'Events shipped with a field cut to its size limit (message, metadata, stack, request body).',
  labelNames: ['event_kind'],
  signal: 'logs',
});

export const pulseLogFieldsRenamed = defineMetric({
  name: 'pulse_log_fields_renamed_total',
  type: 'counter',
  unit: '',
  help: 'pulse.logger fields that used a name Pulse reserves (event_kind, level, fingerprint…), shipped as app_<field> instead.',
  labelNames: ['field'],
  signal: 'logs',
});
