import { defineMetric } from './types';

// Runtime metrics Pulse adds to prom-client's collectDefaultMetrics() (which stays on by default
// and keeps its unprefixed names: CPU, memory, heap spaces, handles/resources by type, fds, its own
// event-loop lag). Pulse adds what those miss; values are sampled in the background, so a scrape
// only reads numbers.

/** `resource` values of the leak heuristic gauges. */
export const LEAK_RESOURCES = ['heap', 'handles'] as const;

/** GC kinds as Node reports them (`v8js_gc_type`). */
export const GC_TYPES = ['major', 'minor', 'incremental', 'weakcb'] as const;

export const nodejsEventLoopUtilization = defineMetric({
  name: 'nodejs_eventloop_utilization_ratio',
  type: 'gauge',
  unit: 'ratio',
  help: 'Share of time (0–1) the event loop was busy over the last sampling window.',
  labelNames: [],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

// Event-loop delay over the last sampling window, one gauge per statistic as OTel names them
// (nodejs.eventloop.delay.p50 …): a `quantile` label is reserved for summaries.
export const nodejsEventLoopDelayP50 = defineMetric({
  name: 'nodejs_eventloop_delay_p50_seconds',
  type: 'gauge',
  unit: 'seconds',
  help: 'Median event-loop delay over the last sampling window (monitorEventLoopDelay, resolution subtracted).',
  labelNames: [],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

export const nodejsEventLoopDelayP90 = defineMetric({
  name: 'nodejs_eventloop_delay_p90_seconds',
  type: 'gauge',
  unit: 'seconds',
  help: '90th-percentile event-loop delay over the last sampling window (monitorEventLoopDelay, resolution subtracted).',
  labelNames: [],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

export const nodejsEventLoopDelayP99 = defineMetric({
  name: 'nodejs_eventloop_delay_p99_seconds',
  type: 'gauge',
  unit: 'seconds',
  help: '99th-percentile event-loop delay over the last sampling window (monitorEventLoopDelay, resolution subtracted).',
  labelNames: [],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

export const nodejsEventLoopDelayMax = defineMetric({
  name: 'nodejs_eventloop_delay_max_seconds',
  type: 'gauge',
  unit: 'seconds',
  help: 'Longest event-loop delay over the last sampling window (monitorEventLoopDelay, resolution subtracted).',
  labelNames: [],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

export const v8GcDuration = defineMetric({
  name: 'v8js_gc_duration_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'Garbage-collection pauses by kind, every one of them (prom-client keeps only the first of each batch).',
  labelNames: ['v8js_gc_type'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  signal: 'runtime',
});

export const nodejsHeapSizeLimit = defineMetric({
  name: 'nodejs_heap_size_limit_bytes',
  type: 'gauge',
  unit: 'bytes',
  help: 'V8 heap size limit; divide nodejs_heap_size_used_bytes by it for "heap near limit".',
  labelNames: [],
  signal: 'runtime',
  clusterAggregation: 'sum',
});

export const pulseRuntimeInfo = defineMetric({
  name: 'pulse_runtime_info',
  type: 'gauge',
  unit: '',
  help: 'Always 1; labels name the Node.js and Pulse versions, the service, its version (service_version, absent when unknown), its environment and the process (service_instance_id, as on its Loki events).',
  labelNames: ['nodejs_version', 'pulse_version', 'service_name', 'env', 'service_instance_id', 'service_version'],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

export const pulseRuntimeLeakSuspected = defineMetric({
  name: 'pulse_runtime_leak_suspected',
  type: 'gauge',
  unit: '',
  help: '1 while the post-GC heap floor or the active handle count grew in every slice of the leak window, beyond the configured growth; else 0.',
  labelNames: ['resource'],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});

export const pulseRuntimeGrowthRatio = defineMetric({
  name: 'pulse_runtime_growth_ratio',
  type: 'gauge',
  unit: 'ratio',
  help: 'Growth of the heap floor / handle count over the leak window (0.25 = +25 %); 0 until the window is full.',
  labelNames: ['resource'],
  signal: 'runtime',
  clusterAggregation: 'per-worker',
});
