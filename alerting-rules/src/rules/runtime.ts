import type { AlertConfig } from '../config';
import { catalog, promql } from '../queries';
import type { AlertRule } from '../types';

// Node.js runtime: event-loop delay, heap near its limit, leak heuristic.

const GROUP = 'pulse-runtime';
/**
 * `, worker N` for the catalog's per-worker gauges of a clustered instance (node:cluster, PM2),
 * nothing on a single process: event-loop delay and the leak heuristic are each process's own, so
 * their rules fire per worker.
 */
const WORKER_SUFFIX = `{{ with $labels.${catalog.WORKER_LABEL} }}, worker {{ . }}{{ end }}`;

export function runtimeRules(config: AlertConfig): AlertRule[] {
  const delay = config.eventLoopDelayP99Seconds;
  const heap = config.heapUsedRatio;
  const fds = config.fileDescriptorRatio;
  return [
    {
      kind: 'promql',
      name: 'PulseEventLoopDelayHigh',
      group: GROUP,
      severity: 'warning',
      for: '5m',
      expr: `${promql.eventLoopDelayP99()} > ${delay}`,
      summary: `{{ $labels.instance }}${WORKER_SUFFIX} event loop is blocked`,
      description: `p99 event-loop delay of {{ $labels.instance }}${WORKER_SUFFIX} is {{ $value | humanizeDuration }} (threshold ${delay}s): every request waits that long.`,
      doc: {
        meaning:
          'The event loop is blocked by synchronous work (JSON of big payloads, crypto, regexes, long loops) or GC: every request on the instance waits (on the worker named, for an instance run as a cluster: one alert per worker).',
        threshold: `p99 delay above ${delay}s for 5m.`,
        tune: '`eventLoopDelayP99Seconds`.',
        action:
          'Look at the Runtime page (event-loop utilisation, GC pauses) and the slowest routes at the same time; profile with `--cpu-prof` if no route stands out.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseHeapNearLimit',
      group: GROUP,
      severity: 'critical',
      for: '5m',
      expr: `${promql.heapUsedRatio()} > ${heap}`,
      summary: '{{ $labels.instance }} heap is near its limit',
      description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its V8 heap limit (threshold ${heap * 100}%): an out-of-memory crash is near.`,
      doc: {
        meaning:
          'The V8 heap is close to `--max-old-space-size`: GC runs constantly and the process will crash with "heap out of memory". For an instance run as a cluster (node:cluster, PM2) the ratio is its workers\' heaps together (prom-client sums them), so one worker near its limit among idle ones shows less.',
        threshold: `Used heap above ${heap * 100}% of the limit for 5m.`,
        tune: '`heapUsedRatio`; or raise the limit with `--max-old-space-size`.',
        action: 'Take a heap snapshot before it crashes; check PulseMemoryLeakSuspected and recent deploys.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseFileDescriptorsNearLimit',
      group: GROUP,
      severity: 'warning',
      for: '5m',
      expr: `${promql.defaultMetric('process_open_fds')} / ${promql.defaultMetric('process_max_fds')} > ${fds}`,
      summary: '{{ $labels.instance }} is running out of file descriptors',
      description: `{{ $labels.instance }} ({{ $labels.job }}) has {{ $value | humanizePercentage }} of its file descriptor limit open (threshold ${fds * 100}%): new sockets and files will fail with EMFILE.`,
      doc: {
        meaning:
          "The process has nearly as many open file descriptors (sockets, files, pipes) as its limit (`ulimit -n`): the next `accept`, `connect` or `open` fails with EMFILE. For an instance run as a cluster the ratio is its workers' descriptors together over their limits together (prom-client sums both).",
        threshold: `Open descriptors above ${fds * 100}% of the limit for 5m.`,
        tune: '`fileDescriptorRatio`; or raise the limit (`ulimit -n`, `LimitNOFILE`, the container runtime).',
        action:
          'Look for leaked sockets (connections never closed, keep-alive pools without a bound) on the Runtime page (active handles) and raise the limit if the load is legitimate.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseMemoryLeakSuspected',
      group: GROUP,
      severity: 'warning',
      for: '15m',
      expr: `${promql.leakSuspected()} == 1`,
      summary: `{{ $labels.instance }}${WORKER_SUFFIX} may leak {{ $labels.resource }}`,
      description: `The post-GC {{ $labels.resource }} floor of {{ $labels.instance }}${WORKER_SUFFIX} grew in every slice of the leak window.`,
      doc: {
        meaning:
          'The heap left after GC (or the count of active handles) keeps growing: a leak, or a cache without a bound.',
        threshold:
          "The exporter's leak heuristic (growth in every slice of its window, beyond its growth ratio) set for 15m.",
        tune: 'The leak window and growth ratio are `runtime` options of the exporter.',
        action:
          'Compare two heap snapshots taken minutes apart; for handles, look for unclosed sockets, timers or listeners.',
      },
    },
  ];
}
