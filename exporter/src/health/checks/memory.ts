import { getHeapStatistics } from 'node:v8';
import type { MemoryCheckOptions } from '../options';
import type { HealthCheck, HealthCheckResult } from '../types';

// The V8 heap against its limit: the process dies with "heap out of memory" at 100 %.

export function memoryCheck(name: string, options: MemoryCheckOptions): HealthCheck {
  const maxRatio = options.maxHeapRatio ?? 0.95;
  const warnRatio = Math.min(options.warnHeapRatio ?? 0.85, maxRatio);
  return {
    name,
    critical: options.critical ?? false,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    check(): HealthCheckResult {
      const heap = getHeapStatistics();
      const ratio = heap.used_heap_size / heap.heap_size_limit;
      const details = {
        heapUsedBytes: heap.used_heap_size,
        heapLimitBytes: heap.heap_size_limit,
        heapRatio: Math.round(ratio * 10_000) / 10_000,
        rssBytes: process.memoryUsage.rss(),
      };
      const percent = `heap at ${(ratio * 100).toFixed(1)} % of its limit`;
      if (ratio >= maxRatio) return { status: 'unhealthy', message: percent, details };
      if (ratio >= warnRatio) return { status: 'degraded', message: percent, details };
      return { status: 'healthy', details };
    },
  };
}
