import { statfs } from 'node:fs/promises';
import type { DiskCheckOptions } from '../options';
import type { HealthCheck, HealthCheckResult } from '../types';

// Free space on the filesystem holding `path` (fs.statfs, Node ≥ 18.15): space available to
// this unprivileged process, not blocks reserved for root.

export function diskCheck(name: string, options: DiskCheckOptions): HealthCheck {
  const path = options.path ?? process.cwd();
  const minRatio = options.minFreeRatio ?? 0.05;
  const warnRatio = Math.max(options.warnFreeRatio ?? 0.1, minRatio);
  const minBytes = options.minFreeBytes ?? 0;
  return {
    name,
    critical: options.critical ?? false,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    async check(): Promise<HealthCheckResult> {
      const fs = await statfs(path);
      const free = fs.bavail * fs.bsize;
      const total = fs.blocks * fs.bsize;
      const ratio = total > 0 ? free / total : 0;
      const details = { path, freeBytes: free, totalBytes: total, freeRatio: Math.round(ratio * 10_000) / 10_000 };
      const percent = `${(ratio * 100).toFixed(1)} % free`;
      if (ratio < minRatio || free < minBytes)
        return { status: 'unhealthy', message: `disk nearly full: ${percent}`, details };
      if (ratio < warnRatio) return { status: 'degraded', message: `disk filling up: ${percent}`, details };
      return { status: 'healthy', details };
    },
  };
}
