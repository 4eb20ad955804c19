import { PulseConfigError } from '../../config/errors';
import type { PoolCheckOptions } from '../options';
import type { HealthCheck, HealthCheckResult } from '../types';
import { saturationResult } from './saturation';

// MySQL / MariaDB through a mysql2 (3.x) pool, callback or promise API: `SELECT 1`, plus pool
// saturation from the core pool's connection lists (internal fields, read defensively).

interface CorePool {
  promise(): { query(sql: string): Promise<unknown> };
  config?: { connectionLimit?: number };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

export function mysqlCheck(name: string, options: PoolCheckOptions, optionPath: string): HealthCheck {
  const given = options.pool as Partial<CorePool> & { pool?: Partial<CorePool> };
  // A mysql2 callback pool has promise(); a promise pool wraps one as `.pool`.
  const core = (typeof given.promise === 'function' ? given : given.pool) as CorePool | undefined;
  if (core === undefined || typeof core.promise !== 'function') {
    throw new PulseConfigError(
      `${optionPath}.pool`,
      'expected a mysql2 pool (createPool from mysql2 or mysql2/promise)',
    );
  }
  const promisePool = core.promise();
  const warnAt = options.saturationWarn ?? 0.9;
  return {
    name,
    critical: options.critical ?? true,
    interval: options.interval,
    timeout: options.timeout,
    async check(): Promise<HealthCheckResult> {
      const stats =
        core._allConnections !== undefined
          ? {
              total: core._allConnections.length,
              idle: core._freeConnections?.length ?? 0,
              waiting: core._connectionQueue?.length ?? 0,
              max: core.config?.connectionLimit ?? 10,
            }
          : undefined;
      await promisePool.query('SELECT 1');
      return saturationResult(stats, warnAt);
    },
  };
}
