// Runtime: event loop, CPU, memory, garbage collection, leaks, handles, versions, restarts.
import { DASHBOARD_UIDS } from '../names';
import { catalog, logql, promql } from '../queries';
import { buildDashboard } from './dashboard';
import { legend, over, SERVICE_LOG_SCOPE, SERVICE_AND_LOG_VARIABLES, SERVICE_SELECTOR } from './common';
import { logs, table, timeseries } from './panels';

const { TARGET_LABELS } = promql;
const INSTANCE = TARGET_LABELS.instance;
const GC_TYPE = 'v8js_gc_type' satisfies (typeof catalog.v8GcDuration.labelNames)[number];
const RESOURCE = 'resource' satisfies (typeof catalog.pulseRuntimeLeakSuspected.labelNames)[number];
const perInstance = { selector: SERVICE_SELECTOR, by: [INSTANCE], aggregate: 'max' as const };
// The catalog's per-worker gauges: one line per worker of a clustered instance (node:cluster, PM2),
// one per instance otherwise (no `worker` label, which the legend then renders as nothing).
const WORKER = catalog.WORKER_LABEL;
const perWorker = { selector: SERVICE_SELECTOR, by: [INSTANCE, WORKER], aggregate: 'max' as const };
const PROCESS = legend(INSTANCE, WORKER);

export function runtimeDashboard() {
  return buildDashboard({
    uid: DASHBOARD_UIDS.runtime,
    title: 'Pulse / Runtime',
    summary:
      'Node.js runtime per instance: event-loop utilisation and delay, CPU, memory and heap, GC pauses, leak heuristic, handles, versions and restarts.',
    appPage: 'runtime',
    sources: ['prometheus', 'loki'],
    variables: SERVICE_AND_LOG_VARIABLES,
    rows: [
      {
        title: 'Event loop and CPU',
        panels: [
          timeseries({
            title: 'Event-loop utilisation',
            description: 'Share of time the event loop was busy over the last sampling window.',
            source: 'prometheus',
            queries: [{ expr: promql.gaugeValue(catalog.nodejsEventLoopUtilization, perWorker), legend: PROCESS }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            w: 8,
          }),
          timeseries({
            title: 'Event-loop delay',
            description:
              'How late timers fire (p50, p90, p99, max over the sampling window): users wait this long on top of the work itself.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.gaugeValue(catalog.nodejsEventLoopDelayP50, perWorker),
                legend: `p50 ${PROCESS}`,
              },
              {
                expr: promql.gaugeValue(catalog.nodejsEventLoopDelayP90, perWorker),
                legend: `p90 ${PROCESS}`,
              },
              { expr: promql.eventLoopDelayP99(SERVICE_SELECTOR), legend: `p99 ${PROCESS}` },
              {
                expr: promql.gaugeValue(catalog.nodejsEventLoopDelayMax, perWorker),
                legend: `max ${PROCESS}`,
              },
            ],
            unit: 's',
            min: 0,
            w: 8,
          }),
          timeseries({
            title: 'CPU',
            description: 'CPU time per second (1 = one core busy).',
            source: 'prometheus',
            queries: [
              { expr: promql.counterRate('process_cpu_seconds_total', over([INSTANCE])), legend: legend(INSTANCE) },
            ],
            unit: 'percentunit',
            min: 0,
            w: 8,
          }),
        ],
      },
      {
        title: 'Memory and GC',
        panels: [
          timeseries({
            title: 'Memory',
            description: 'Resident set size, V8 heap used and the heap limit, per instance.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.gaugeValue('process_resident_memory_bytes', perInstance),
                legend: `rss ${legend(INSTANCE)}`,
              },
              {
                expr: promql.gaugeValue('nodejs_heap_size_used_bytes', perInstance),
                legend: `heap used ${legend(INSTANCE)}`,
              },
              {
                expr: promql.gaugeValue(catalog.nodejsHeapSizeLimit, perInstance),
                legend: `heap limit ${legend(INSTANCE)}`,
              },
            ],
            unit: 'bytes',
            min: 0,
          }),
          timeseries({
            title: 'GC pauses per second by kind',
            description: 'Garbage-collection pauses per second, by kind (every pause, not only the first of a batch).',
            source: 'prometheus',
            queries: [{ expr: promql.histogramRate(catalog.v8GcDuration, over([GC_TYPE])), legend: legend(GC_TYPE) }],
            unit: 'ops',
          }),
          timeseries({
            title: 'GC pause p99 by kind',
            description: '99th percentile GC pause per kind: the event loop is stopped for this long.',
            source: 'prometheus',
            queries: [
              { expr: promql.histogramQuantile(0.99, catalog.v8GcDuration, over([GC_TYPE])), legend: legend(GC_TYPE) },
            ],
            unit: 's',
          }),
          timeseries({
            title: 'Leak heuristic',
            description:
              'Growth of the post-GC heap floor and of the handle count over the leak window; the suspected flag turns 1 when it grew in every slice.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.gaugeValue(catalog.pulseRuntimeGrowthRatio, { selector: SERVICE_SELECTOR }),
                legend: `growth ${legend(INSTANCE, WORKER, RESOURCE)}`,
              },
              {
                expr: promql.leakSuspected(SERVICE_SELECTOR),
                legend: `suspected ${legend(INSTANCE, WORKER, RESOURCE)}`,
              },
            ],
            unit: 'percentunit',
          }),
        ],
      },
      {
        title: 'Process',
        panels: [
          timeseries({
            title: 'Active handles',
            description: 'Handles (sockets, timers, files) keeping the process alive; a steady climb is a leak.',
            source: 'prometheus',
            queries: [
              { expr: promql.gaugeValue('nodejs_active_handles_total', perInstance), legend: legend(INSTANCE) },
            ],
            min: 0,
          }),
          table({
            title: 'Versions',
            description:
              'The service version (service_version, when known), Node.js and Pulse versions per instance, one row per worker of a clustered instance.',
            source: 'prometheus',
            queries: [
              { expr: promql.gaugeValue(catalog.pulseRuntimeInfo, { selector: SERVICE_SELECTOR }), instant: true },
            ],
          }),
          logs({
            title: 'Starts and stops',
            description: 'lifecycle events: each start, each graceful stop (signal, shutdown) and each crash.',
            source: 'loki',
            queries: [{ expr: logql.lifecycleEvents(SERVICE_LOG_SCOPE) }],
          }),
        ],
      },
    ],
  });
}
