import { HTTP_DURATION_BUCKETS } from './buckets';
import { defineMetric } from './types';

// Outgoing dependencies: HTTP calls (node:http/https and fetch/undici, seen through
// diagnostics_channel) and anything wrapped in pulse.trackDependency().

/** `error_type` values the classifier produces besides an HTTP status code (`"503"`). */
export const DEPENDENCY_ERROR_TYPES = [
  'timeout',
  'connection_refused',
  'connection_reset',
  'dns',
  'tls',
  'aborted',
] as const;

/** `error_type` of a failure that fits no class above and carries no error code. */
export const DEPENDENCY_OTHER_ERROR = '_OTHER';

/** `dependency_type` of HTTP calls; trackDependency() defaults to `custom`. */
export const DEPENDENCY_TYPE_HTTP = 'http';
export const DEPENDENCY_TYPE_CUSTOM = 'custom';

export const httpClientRequestDuration = defineMetric({
  name: 'http_client_request_duration_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'Duration of outgoing HTTP requests until the response headers (or the error), by server and dependency name.',
  labelNames: [
    'http_request_method',
    'server_address',
    'server_port',
    'http_response_status_code',
    'error_type',
    'dependency',
  ],
  buckets: HTTP_DURATION_BUCKETS,
  signal: 'deps',
});

export const pulseDependencyDuration = defineMetric({
  name: 'pulse_dependency_duration_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'Duration of every dependency call, HTTP or wrapped in trackDependency(), by dependency name and type.',
  labelNames: ['dependency', 'dependency_type', 'error_type'],
  buckets: HTTP_DURATION_BUCKETS,
  signal: 'deps',
});
