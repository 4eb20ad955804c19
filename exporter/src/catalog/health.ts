import { defineMetric } from './types';

// Health checks: per-check status, latency and flapping, and the composite status.

/** Gauge values of a status: alert on `< 1` (not healthy) or `== 0` (unhealthy). */
export const HEALTH_STATUS_VALUES = { healthy: 1, degraded: 0.5, unhealthy: 0 } as const;

export const pulseHealthCheckStatus = defineMetric({
  name: 'pulse_health_check_status',
  type: 'gauge',
  unit: '',
  help: 'Last result of a health check: 1 healthy, 0.5 degraded, 0 unhealthy (a timeout is unhealthy).',
  labelNames: ['check', 'critical'],
  signal: 'health',
  clusterAggregation: 'per-worker',
});

export const pulseHealthCheckDuration = defineMetric({
  name: 'pulse_health_check_duration_seconds',
  type: 'gauge',
  unit: 'seconds',
  help: 'How long the last run of a health check took (its timeout when it timed out).',
  labelNames: ['check'],
  signal: 'health',
  clusterAggregation: 'per-worker',
});

export const pulseHealthStatus = defineMetric({
  name: 'pulse_health_status',
  type: 'gauge',
  unit: '',
  help: 'Composite health: 1 healthy, 0.5 degraded (a non-critical check fails), 0 unhealthy (a critical check fails).',
  labelNames: [],
  signal: 'health',
  clusterAggregation: 'per-worker',
});

export const pulseHealthCheckFlapping = defineMetric({
  name: 'pulse_health_check_flapping',
  type: 'gauge',
  unit: '',
  help: '1 while a health check changed status more often than allowed within the flapping window; else 0.',
  labelNames: ['check'],
  signal: 'health',
  clusterAggregation: 'per-worker',
});
