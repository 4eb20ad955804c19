import { PulseConfigError } from '../../config/errors';
import type { ClosableCheck } from '../check-state';
import type { PoolCheckOptions } from '../options';
import type { HealthCheckResult } from '../types';
import { KeptConnection } from './kept-connection';
import type { Mysql2CorePool } from './mysql-connection';
import { mysqlConnectionDriver } from './mysql-connection';
import { saturationResult } from './saturation';

// MySQL / MariaDB through a mysql2 (3.x) pool, callback or promise API: `SELECT 1` on a
// connection of the check's own (see kept-connection.ts), plus pool saturation from the core
// pool's connection lists (internal fields, read defensively).

interface CorePool extends Mysql2CorePool {
  promise(): unknown;
  config?: { connectionLimit?: number; connectionConfig?: object };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

export function mysqlCheck(name: string, options: PoolCheckOptions, optionPath: string): ClosableCheck {
  const given = options.pool as Partial<CorePool> & { pool?: Partial<CorePool> };
  // A mysql2 callback pool has promise(); a promise pool wraps one as `.pool`.
  const core = (typeof given.promise === 'function' ? given : given.pool) as CorePool | undefined;
  if (core === undefined || typeof core.promise !== 'function' || typeof core.getConnection !== 'function') {
    throw new PulseConfigError(
      `${optionPath}.pool`,
      'expected a mysql2 pool (createPool from mysql2 or mysql2/promise)',
    );
  }
  const own = new KeptConnection(mysqlConnectionDriver(core));
  const warnAt = options.saturationWarn ?? 0.9;
  return {
    name,
    critical: options.critical ?? true,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    async check({ signal }): Promise<HealthCheckResult> {
      const stats =
        core._allConnections !== undefined
          ? {
              total: core._allConnections.length,
              idle: core._freeConnections?.length ?? 0,
              waiting: core._connectionQueue?.length ?? 0,
              max: core.config?.connectionLimit ?? 10,
            }
          : undefined;
      await own.ping(signal);
      return saturationResult(stats, warnAt);
    },
    close: () => own.close(),
  };
}
