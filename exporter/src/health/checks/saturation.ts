import type { HealthCheckResult } from '../types';

export interface PoolFigures {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** Healthy with the pool's figures, or degraded when requests wait or the pool is nearly full. */
export function saturationResult(stats: PoolFigures | undefined, warnAt: number): HealthCheckResult {
  if (stats === undefined) return { status: 'healthy' };
  const inUse = stats.total - stats.idle;
  const usage = stats.max > 0 ? inUse / stats.max : 0;
  const details = {
    inUse,
    idle: stats.idle,
    waiting: stats.waiting,
    max: stats.max,
    usage: Math.round(usage * 1000) / 1000,
  };
  if (stats.waiting > 0 || usage >= warnAt) {
    const why =
      stats.waiting > 0 ? `${stats.waiting} waiting for a connection` : `${inUse} of ${stats.max} connections in use`;
    return { status: 'degraded', message: `pool saturated: ${why}`, details };
  }
  return { status: 'healthy', details };
}
