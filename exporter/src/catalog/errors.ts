import { defineMetric } from './types';

// Application errors: counted here per type and route, shipped to Loki as `error` events with a
// fingerprint (never a metric label: fingerprints are unbounded).

/**
 * `error_type` values of `pulse_errors_total` and of error events. Derived from the HTTP status
 * and the error's class; a closed set so the metric stays bounded.
 */
export const ERROR_TYPES = [
  'validation',
  'auth',
  'not_found',
  'conflict',
  'rate_limited',
  'timeout',
  'database',
  'dependency',
  'client',
  'internal',
] as const;
export type PulseErrorType = (typeof ERROR_TYPES)[number];

export const pulseErrors = defineMetric({
  name: 'pulse_errors_total',
  type: 'counter',
  unit: '',
  help: 'Errors captured (error handler, captureException, uncaught), by error type and route template.',
  labelNames: ['error_type', 'http_route'],
  signal: 'errors',
});
