import type { PoolCheckOptions } from '../options';
import type { HealthCheck, HealthCheckResult } from '../types';
import { saturationResult } from './saturation';

// PostgreSQL through a `pg` Pool (pg 8.x; a Client works too, without pool figures): `SELECT 1`,
// plus a degraded result when the pool is nearly exhausted.

interface PgPoolLike {
  query(sql: string): Promise<unknown>;
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
  options?: { max?: number };
}

export function postgresCheck(name: string, options: PoolCheckOptions): HealthCheck {
  const pool = options.pool as PgPoolLike;
  const warnAt = options.saturationWarn ?? 0.9;
  return {
    name,
    critical: options.critical ?? true,
    interval: options.interval,
    timeout: options.timeout,
    async check(): Promise<HealthCheckResult> {
      // Figures before our own query, which takes a connection itself.
      const stats =
        typeof pool.totalCount === 'number'
          ? {
              total: pool.totalCount,
              idle: pool.idleCount ?? 0,
              waiting: pool.waitingCount ?? 0,
              max: pool.options?.max ?? 10,
            }
          : undefined;
      await pool.query('SELECT 1');
      return saturationResult(stats, warnAt);
    },
  };
}
