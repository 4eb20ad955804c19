import { withoutRecording } from '../../db/hub';
import type { PoolCheckOptions } from '../options';
import type { HealthCheckResult } from '../types';
import type { ClosableCheck } from '../check-state';
import { KeptConnection } from './kept-connection';
import { pgConnectionDriver } from './pg-connection';
import { saturationResult } from './saturation';

// PostgreSQL through a `pg` Pool (pg 8.x; a Client works too, without pool figures): `SELECT 1`
// on a connection of the check's own (see kept-connection.ts), so a pool busy with slow queries
// is reported as degraded with its figures, not as a database that does not answer.

interface PgPoolLike {
  query(sql: string): Promise<unknown>;
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
  options?: { max?: number };
}

export function postgresCheck(name: string, options: PoolCheckOptions): ClosableCheck {
  const pool = options.pool as PgPoolLike;
  const warnAt = options.saturationWarn ?? 0.9;
  const driver = pgConnectionDriver(pool);
  const own = driver === undefined ? undefined : new KeptConnection(driver);
  return {
    name,
    critical: options.critical ?? true,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    async check({ signal }): Promise<HealthCheckResult> {
      const stats =
        typeof pool.totalCount === 'number'
          ? {
              total: pool.totalCount,
              idle: pool.idleCount ?? 0,
              waiting: pool.waitingCount ?? 0,
              max: pool.options?.max ?? 10,
            }
          : undefined;
      // Something pg-like Pulse cannot copy a connection from: its own query, still unrecorded.
      if (own === undefined) await withoutRecording(() => pool.query('SELECT 1'));
      else await own.ping(signal);
      return saturationResult(stats, warnAt);
    },
    close: () => own?.close(),
  };
}
