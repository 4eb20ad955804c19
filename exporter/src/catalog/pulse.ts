import { defineMetric } from './types';

// Pulse's own health: what it drops, it counts.

/** Value every label takes in the one series that absorbs label sets past a metric's cap. */
export const OVERFLOW_LABEL_VALUE = '_overflow';

export const pulseSeriesDropped = defineMetric({
  name: 'pulse_series_dropped_total',
  type: 'counter',
  unit: '',
  help: 'Observations folded into the _overflow series because their metric reached its series cap.',
  labelNames: ['metric'],
  signal: 'pulse',
});

export const pulseScrapeDuration = defineMetric({
  name: 'pulse_scrape_duration_seconds',
  type: 'gauge',
  unit: 'seconds',
  help: 'Time the previous /metrics scrape took to serialise, wall clock.',
  labelNames: [],
  signal: 'pulse',
  clusterAggregation: 'per-worker',
});

/**
 * `signal` values of `pulse_internal_errors_total`: the signals, plus Pulse's own metrics
 * endpoint and its shutdown. Every one is exposed at 0 from the start, so an alert on
 * `increase()` sees the first error.
 */
export const INTERNAL_ERROR_SIGNALS = [
  'http',
  'db',
  'runtime',
  'deps',
  'health',
  'errors',
  'logs',
  'metrics',
  'shutdown',
  'cluster',
] as const;
export type InternalErrorSignal = (typeof INTERNAL_ERROR_SIGNALS)[number];

export const pulseInternalErrors = defineMetric({
  name: 'pulse_internal_errors_total',
  type: 'counter',
  unit: '',
  help: 'Errors inside Pulse itself, caught so the host application never sees them.',
  labelNames: ['signal'],
  signal: 'pulse',
});

/**
 * `outcome` values of `pulse_cluster_peer_requests_total`: a peer answered; did not answer within
 * `cluster.timeout` (its last answered state stands in); failed otherwise (same stand-in); or had
 * exited (its last state joins the retired workers' totals, so sums never go back).
 */
export const CLUSTER_PEER_OUTCOMES = ['answered', 'timeout', 'failed', 'exited'] as const;
export type ClusterPeerOutcome = (typeof CLUSTER_PEER_OUTCOMES)[number];

export const pulseClusterPeerRequests = defineMetric({
  name: 'pulse_cluster_peer_requests_total',
  type: 'counter',
  unit: '',
  help: 'Requests a worker made to its peers (node:cluster, PM2 cluster mode) to answer a scrape or /health, by outcome.',
  labelNames: ['outcome'],
  signal: 'pulse',
});
