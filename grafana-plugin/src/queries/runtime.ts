// Runtime: per instance, is the process starved (event loop), leaking (heap, handles) or pausing (GC)?
// Under a cluster (node:cluster, PM2) the catalog's per-worker gauges carry a `worker` label and get
// a line per worker (`proc`); prom-client's defaults are summed per instance and keep `inst`.
import {
  nodejsEventLoopDelayMax,
  nodejsEventLoopDelayP50,
  nodejsEventLoopDelayP90,
  nodejsEventLoopDelayP99,
  nodejsEventLoopUtilization,
  nodejsHeapSizeLimit,
  pulseRuntimeGrowthRatio,
  pulseRuntimeInfo,
  v8GcDuration,
} from '@pulse-apm/exporter/catalog';
import {
  counterRate,
  defaultMetric,
  gaugeValue,
  heapUsedRatio,
  histogramQuantile,
  histogramRate,
  histogramSumRate,
  leakSuspected,
  selector,
  type AggregateOptions,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend, PROCESS_LEGEND } from './labels';
import type { EmptyStateProbe, PromTarget } from './types';
import { RATE_WINDOW, serviceSelector } from './variables';

const sel = { selector: serviceSelector };
const perInstance: AggregateOptions = { selector: serviceSelector, window: RATE_WINDOW, by: [LABELS.instance] };
const inst = legend(LABELS.instance);
const proc = PROCESS_LEGEND;

export const runtimeQueries = {
  info: (): PromTarget => ({ refId: 'info', expr: gaugeValue(pulseRuntimeInfo, sel), instant: true, format: 'table' }),
  eventLoopDelay: (): PromTarget[] =>
    (
      [
        ['p50', nodejsEventLoopDelayP50],
        ['p90', nodejsEventLoopDelayP90],
        ['p99', nodejsEventLoopDelayP99],
        ['max', nodejsEventLoopDelayMax],
      ] as const
    ).map(([name, metric]) => ({ refId: name, expr: gaugeValue(metric, sel), legendFormat: `${proc} ${name}` })),
  eventLoopUtilization: (): PromTarget => ({
    refId: 'elu',
    expr: gaugeValue(nodejsEventLoopUtilization, sel),
    legendFormat: proc,
  }),
  heap: (): PromTarget[] => [
    { refId: 'used', expr: gaugeValue('nodejs_heap_size_used_bytes', sel), legendFormat: `${inst} used` },
    { refId: 'total', expr: gaugeValue('nodejs_heap_size_total_bytes', sel), legendFormat: `${inst} total` },
    { refId: 'limit', expr: gaugeValue(nodejsHeapSizeLimit, sel), legendFormat: `${inst} limit` },
  ],
  heapUsedRatio: (): PromTarget => ({ refId: 'ratio', expr: heapUsedRatio(serviceSelector), legendFormat: inst }),
  heapSpaces: (): PromTarget => ({
    refId: 'spaces',
    expr: gaugeValue('nodejs_heap_space_size_used_bytes', sel),
    legendFormat: `${inst} ${legend(LABELS.heapSpace)}`,
  }),
  memory: (): PromTarget[] => [
    { refId: 'rss', expr: gaugeValue('process_resident_memory_bytes', sel), legendFormat: `${inst} RSS` },
    { refId: 'external', expr: gaugeValue('nodejs_external_memory_bytes', sel), legendFormat: `${inst} external` },
  ],
  /** Share of wall time spent in GC pauses, by kind. */
  gcTime: (): PromTarget => ({
    refId: 'gcTime',
    expr: histogramSumRate(v8GcDuration, { ...perInstance, by: [LABELS.instance, LABELS.gcType] }),
    legendFormat: `${inst} ${legend(LABELS.gcType)}`,
  }),
  gcPauses: (): PromTarget[] => [
    {
      refId: 'gcRate',
      expr: histogramRate(v8GcDuration, { ...perInstance, by: [LABELS.instance, LABELS.gcType] }),
      legendFormat: `${inst} ${legend(LABELS.gcType)}`,
    },
  ],
  gcPauseP99: (): PromTarget => ({
    refId: 'gcP99',
    expr: histogramQuantile(0.99, v8GcDuration, perInstance),
    legendFormat: `${inst} p99`,
  }),
  /** CPU seconds per second: 1 = one core busy. */
  cpu: (): PromTarget => ({
    refId: 'cpu',
    expr: counterRate('process_cpu_seconds_total', perInstance),
    legendFormat: inst,
  }),
  handles: (): PromTarget[] => [
    { refId: 'handles', expr: gaugeValue('nodejs_active_handles_total', sel), legendFormat: `${inst} handles` },
    { refId: 'resources', expr: gaugeValue('nodejs_active_resources_total', sel), legendFormat: `${inst} resources` },
  ],
  handlesByType: (): PromTarget => ({
    refId: 'byType',
    expr: gaugeValue('nodejs_active_handles', sel),
    legendFormat: `${inst} ${legend(LABELS.handleType)}`,
  }),
  fileDescriptors: (): PromTarget[] => [
    { refId: 'open', expr: gaugeValue('process_open_fds', sel), legendFormat: `${inst} open` },
    { refId: 'max', expr: gaugeValue('process_max_fds', sel), legendFormat: `${inst} max` },
  ],
  leaks: (): PromTarget[] => [
    {
      refId: 'suspected',
      expr: leakSuspected(serviceSelector),
      legendFormat: `${proc} ${legend(LABELS.leakResource)}`,
      instant: true,
    },
    {
      refId: 'growth',
      expr: gaugeValue(pulseRuntimeGrowthRatio, sel),
      legendFormat: `${proc} ${legend(LABELS.leakResource)}`,
    },
  ],
};

export const runtimeProbes = {
  runtime: {
    expr: `${pulseRuntimeInfo.name}${selector(serviceSelector)}`,
    title: 'No Pulse runtime metrics for this service',
    hint: 'The runtime signal is on by default: remove `runtime: { enabled: false }` from createPulse, and check Prometheus scrapes `pulse.mount(app)`.',
  },
  defaults: {
    expr: `${defaultMetric('process_cpu_seconds_total')}${selector(serviceSelector)}`,
    title: 'No prom-client default metrics (CPU, memory, handles, file descriptors)',
    hint: 'Remove `metrics: { defaultMetrics: false }` from createPulse.',
  },
} satisfies Record<string, EmptyStateProbe>;
