import { BODY_SIZE_BUCKETS, HTTP_DURATION_BUCKETS } from './buckets';
import { defineMetric } from './types';

// HTTP server metrics, named after the OpenTelemetry semantic conventions as Prometheus names.

/** Label values Pulse substitutes so that label sets stay bounded. */
export const HTTP_OTHER_METHOD = '_OTHER';
/** `http_route` of a response that no Express route handled (404s, scanners). */
export const HTTP_UNMATCHED_ROUTE = '(unmatched)';
/**
 * Prefix of the `http_route` of a response a route handled whose mount paths Pulse never saw:
 * `(untemplated)/items/:itemId` (the route's own path; Pulse warns once, naming the fix).
 */
export const HTTP_UNTEMPLATED_ROUTE_PREFIX = '(untemplated)';
/** `error_type` of a request whose client went away before the response finished. */
export const HTTP_ABORTED_ERROR = 'aborted';

const serverLabels = ['http_request_method', 'http_route', 'http_response_status_code', 'error_type'] as const;

export const httpServerRequestDuration = defineMetric({
  name: 'http_server_request_duration_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'Duration of HTTP server requests, by route template.',
  labelNames: serverLabels,
  buckets: HTTP_DURATION_BUCKETS,
  signal: 'http',
});

export const httpServerActiveRequests = defineMetric({
  name: 'http_server_active_requests',
  type: 'gauge',
  unit: '',
  help: 'Number of HTTP server requests in flight.',
  labelNames: ['http_request_method'],
  signal: 'http',
  clusterAggregation: 'sum',
});

export const httpServerRequestBodySize = defineMetric({
  name: 'http_server_request_body_size_bytes',
  type: 'histogram',
  unit: 'bytes',
  help: 'Size of HTTP server request bodies, from Content-Length (requests without one are not observed).',
  labelNames: serverLabels,
  buckets: BODY_SIZE_BUCKETS,
  signal: 'http',
});

export const httpServerResponseBodySize = defineMetric({
  name: 'http_server_response_body_size_bytes',
  type: 'histogram',
  unit: 'bytes',
  help: 'Size of HTTP server response bodies, from Content-Length (chunked responses are not observed).',
  labelNames: serverLabels,
  buckets: BODY_SIZE_BUCKETS,
  signal: 'http',
});
