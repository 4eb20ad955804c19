import { knexListeners } from './hub';
import type { PoolReading } from './pool-metrics';
import { isTrackedPool, poolName, trackPool } from './pool-metrics';

// knex 3.x (2.x has the same Client API), on pg or mysql2.
//
// Seen once, not twice: knex runs every statement through its driver's query() (pg's
// Client.prototype.query, mysql2's connection.query), which Pulse already records. So knex adds
// no query records of its own. The alternative — knex's `query` / `query-response` events plus
// suppressing the driver-level record of the same statement — needs a per-query correlation
// between two hooks (a lookup on the hot path), double-counts whenever the correlation misses,
// and would still leave knex's own statements (version check, BEGIN/COMMIT of transactions) to
// the driver. Deduplicating at the driver keeps one source of truth.
//
// What knex does add is its own pool (tarn), which the driver never sees, and the driver module
// it loaded (possibly a copy other than the application's): both are picked up the first time a
// knex client acquires a connection, through a wrapper on knex's Client.prototype.acquireConnection.

const kPatched = Symbol.for('pulse.db.knex.patched');

interface TarnLike {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
  destroyed?: boolean;
}

export interface KnexClientLike {
  pool?: unknown;
  driver?: unknown;
  dialect?: string;
  driverName?: string;
  config?: { client?: unknown; connection?: unknown };
  connectionSettings?: unknown;
}

const seenClients = new WeakSet<object>();

function isTarnPool(pool: unknown): pool is TarnLike {
  const p = pool as TarnLike | null;
  return (
    typeof p === 'object' && p !== null && typeof p.numUsed === 'function' && typeof p.numPendingAcquires === 'function'
  );
}

function readTarnPool(pool: object): PoolReading | undefined {
  const p = pool as TarnLike;
  if (p.destroyed === true) return undefined;
  return { idle: p.numFree(), used: p.numUsed(), pending: p.numPendingAcquires(), max: p.max };
}

/** Registers a knex client's tarn pool for the pool gauges. */
export function trackKnexPool(client: KnexClientLike, name?: string): void {
  const pool = client.pool;
  if (!isTarnPool(pool) || isTrackedPool(pool)) return;
  const settings = client.connectionSettings ?? client.config?.connection;
  const defaultPort = client.dialect === 'mysql' ? 3306 : 5432;
  const connection = typeof settings === 'string' ? { connectionString: settings } : settings;
  trackPool(pool, name ?? `knex:${poolName(connection, defaultPort)}`, readTarnPool);
}

export function patchKnexClientPrototype(proto: Record<PropertyKey, unknown>): boolean {
  if (typeof proto.acquireConnection !== 'function' || proto[kPatched] === true) return false;
  Object.defineProperty(proto, kPatched, { value: true, enumerable: false });
  const original = proto.acquireConnection as (this: unknown, ...args: unknown[]) => unknown;
  proto.acquireConnection = function pulseAcquireConnection(this: object) {
    const listeners = knexListeners();
    if (listeners.length > 0 && !seenClients.has(this)) {
      seenClients.add(this);
      for (const listener of listeners) {
        try {
          listener(this);
        } catch {
          // a listener's failure is its own (it counts it); knex must go on
        }
      }
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
  return true;
}

export function isKnexModule(mod: unknown): boolean {
  if (typeof mod !== 'function') return false;
  const m = mod as unknown as { Client?: unknown; QueryBuilder?: unknown };
  return typeof m.Client === 'function' && m.QueryBuilder !== undefined;
}

export function patchKnexModule(mod: unknown): void {
  if (!isKnexModule(mod)) return;
  let proto: object | null = (mod as { Client: { prototype: object } }).Client.prototype;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'acquireConnection')) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (proto !== null) patchKnexClientPrototype(proto as Record<PropertyKey, unknown>);
}

/** A knex instance (`knex({...})`): a function with a `client`. */
export function knexClientOf(target: unknown): KnexClientLike | undefined {
  if (typeof target !== 'function') return undefined;
  const client = (target as { client?: unknown }).client as KnexClientLike | undefined;
  return typeof client === 'object' && client !== null && typeof client.config === 'object' ? client : undefined;
}

/** Which db system a knex client talks to, from its dialect. */
export function knexSystem(client: KnexClientLike): 'postgresql' | 'mysql' | undefined {
  const dialect = String(client.dialect ?? client.config?.client ?? '');
  if (dialect === 'postgresql' || dialect === 'pg' || dialect === 'postgres') return 'postgresql';
  if (dialect === 'mysql' || dialect === 'mysql2') return 'mysql';
  return undefined;
}
