import { dbClientConnectionCount, dbClientConnectionMax, dbClientConnectionPendingRequests } from '../catalog/db';
import type { PulseCore } from '../core';
import type { Gauge } from '../metrics/gauge';

// Connection pool gauges, read at scrape time from the pools themselves (pull-style: nothing is
// counted on the query path). Pools are registered by the driver hooks the first time they hand
// out a connection, or explicitly with `pulse.instrument(pool)`. They are held weakly, so a pool
// the application drops is forgotten, and skipped once it has been ended.

export interface PoolReading {
  idle: number;
  used: number;
  pending: number;
  max: number;
}

/** Reads a pool's state; undefined once the pool is closed. */
export type PoolReader = (pool: object) => PoolReading | undefined;

interface TrackedPool {
  readonly ref: WeakRef<object>;
  readonly name: string;
  readonly read: PoolReader;
}

const POOLS_KEY = Symbol.for('pulse.db.pools.v1');
interface PoolRegistry {
  pools: TrackedPool[];
  seen: WeakSet<object>;
}
const holder = globalThis as { [POOLS_KEY]?: PoolRegistry };
const registry: PoolRegistry = (holder[POOLS_KEY] ??= { pools: [], seen: new WeakSet() });

/** Whether a pool is already tracked (cheap: drivers call this on every connection checkout). */
export function isTrackedPool(pool: object): boolean {
  return registry.seen.has(pool);
}

/**
 * Starts tracking a pool. A name another tracked pool already has gets `#2`, `#3`… so two pools
 * never share series (the name of an ended pool is free again).
 */
export function trackPool(pool: object, name: string, read: PoolReader): void {
  if (registry.seen.has(pool)) return;
  registry.seen.add(pool);
  const taken = new Set<string>();
  for (const tracked of registry.pools) if (isLive(tracked)) taken.add(tracked.name);
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name}#${n}`;
  registry.pools.push({ ref: new WeakRef(pool), name: unique, read });
}

function isLive(tracked: TrackedPool): boolean {
  const pool = tracked.ref.deref();
  if (pool === undefined) return false;
  try {
    return tracked.read(pool) !== undefined;
  } catch {
    return true;
  }
}

/** `host:port/database` of connection settings, never the user or password. */
export function poolName(settings: unknown, defaultPort: number): string {
  const s = (typeof settings === 'object' && settings !== null ? settings : {}) as Record<string, unknown>;
  let host = typeof s.host === 'string' ? s.host : typeof s.socketPath === 'string' ? s.socketPath : undefined;
  let port: unknown = s.port;
  let database = typeof s.database === 'string' ? s.database : undefined;
  if (typeof s.connectionString === 'string') {
    try {
      const url = new URL(s.connectionString);
      host ??= url.hostname;
      port ??= url.port;
      database ??= decodeURIComponent(url.pathname.replace(/^\//, ''));
    } catch {
      // not a URL: keep what we have
    }
  }
  const p = port === undefined || port === '' ? defaultPort : port;
  return `${host ?? 'localhost'}:${String(p)}/${database ?? ''}`;
}

/** The three pool gauges of one Pulse instance, refreshed just before each scrape. */
export function registerPoolGauges(core: PulseCore): void {
  const pending = core.metrics.gauge(dbClientConnectionPendingRequests);
  const max = core.metrics.gauge(dbClientConnectionMax);
  const collect = (count: Gauge): void => {
    count.reset();
    pending.reset();
    max.reset();
    const live: TrackedPool[] = [];
    for (const tracked of registry.pools) {
      const pool = tracked.ref.deref();
      if (pool === undefined) continue;
      let reading: PoolReading | undefined;
      try {
        reading = tracked.read(pool);
      } catch (err) {
        core.internalError('db', err);
        live.push(tracked);
        continue;
      }
      if (reading === undefined) continue; // ended: forget it
      live.push(tracked);
      count.set(['idle', tracked.name], reading.idle);
      count.set(['used', tracked.name], reading.used);
      pending.set([tracked.name], reading.pending);
      max.set([tracked.name], reading.max);
    }
    registry.pools = live;
  };
  core.metrics.gauge(dbClientConnectionCount, collect);
}
