import dc from 'node:diagnostics_channel';
import { currentContext } from '../context/request-context';
import { captureCallSite } from './caller';
import { inCheckout } from './checkout';
import type { QueryObservation } from './hub';
import { onRecordersChanged, recordersFor, startConnect, startQuery, wantCallSite } from './hub';
import type { PoolReading } from './pool-metrics';
import { isTrackedPool, poolName, trackPool } from './pool-metrics';

// mysql2 >= 3.20 (tested with 3.24): statements come from mysql2's own diagnostics_channel
// TracingChannels — `mysql2:query`, `mysql2:execute` (callback and promise APIs, pools and pool
// clusters all end up there) and `mysql2:connect`. No patching is needed for them, so they work
// whatever the import order, from ESM too, for every copy of mysql2 in the process. Pulse
// subscribes only while some Pulse instance records mysql (a subscriber makes mysql2 wrap each
// callback).
//
// The channels do not carry the pool, so for the pool gauges this file also wraps
// BasePool.prototype.getConnection of the copies it can find: it registers the pool, and hands
// the queries of the checkout the application's request context, call site and issue time (a
// queued waiter is otherwise called back from whichever request released the connection; see
// checkout.ts).

const kPatched = Symbol.for('pulse.db.mysql2.patched');
const kObservation = Symbol('pulse.db.observation');
const mysql = recordersFor('mysql');

/** The context object mysql2 publishes; Pulse keeps its observation on it between events. */
interface TraceContext {
  query?: string;
  values?: unknown;
  error?: unknown;
  result?: unknown;
  [kObservation]?: QueryObservation;
}

function rowsOf(result: unknown): number | undefined {
  if (Array.isArray(result)) return result.length;
  const affected = (result as { affectedRows?: unknown } | undefined)?.affectedRows;
  return typeof affected === 'number' ? affected : undefined;
}

function finish(ctx: TraceContext): void {
  const obs = ctx[kObservation];
  if (obs === undefined) return;
  ctx[kObservation] = undefined;
  const failed = ctx.error !== undefined && ctx.error !== null;
  obs.end(failed ? ctx.error : undefined, failed ? undefined : rowsOf(ctx.result));
}

// traceCallback publishes start → end, then (when the callback runs) error? → asyncStart →
// asyncEnd; tracePromise the same on settle. The observation ends at asyncStart: before the
// application's callback runs, so its time is not counted. A synchronous throw publishes error
// and end with no asyncStart, hence the check in `end`.
const statementHandlers = {
  start(message: unknown) {
    if (mysql.length === 0) return;
    const ctx = message as TraceContext;
    ctx[kObservation] = startQuery(mysql, ctx.query, ctx.values);
  },
  end(message: unknown) {
    const ctx = message as TraceContext;
    if (ctx.error !== undefined) finish(ctx);
  },
  asyncStart(message: unknown) {
    finish(message as TraceContext);
  },
  asyncEnd() {},
  error() {},
};

// Connects end the way statements do; only what starts differs.
const connectHandlers = {
  ...statementHandlers,
  start(message: unknown) {
    if (mysql.length === 0) return;
    (message as TraceContext)[kObservation] = startConnect(mysql);
  },
};

const channels = [
  { channel: dc.tracingChannel('mysql2:query'), handlers: statementHandlers },
  { channel: dc.tracingChannel('mysql2:execute'), handlers: statementHandlers },
  { channel: dc.tracingChannel('mysql2:connect'), handlers: connectHandlers },
];

let subscribed = false;

function syncSubscriptions(): void {
  const want = mysql.length > 0;
  if (want === subscribed) return;
  subscribed = want;
  for (const { channel, handlers } of channels) {
    if (want) channel.subscribe(handlers);
    else channel.unsubscribe(handlers);
  }
}

onRecordersChanged((system) => {
  if (system === 'mysql') syncSubscriptions();
});

interface Mysql2PoolLike {
  config?: { connectionLimit?: number; connectionConfig?: Record<string, unknown> };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  _closed?: boolean;
}

function readMysqlPool(pool: object): PoolReading | undefined {
  const p = pool as Mysql2PoolLike;
  if (p._closed === true) return undefined;
  const all = p._allConnections?.length ?? 0;
  const idle = p._freeConnections?.length ?? 0;
  return { idle, used: all - idle, pending: p._connectionQueue?.length ?? 0, max: p.config?.connectionLimit ?? 10 };
}

export function isMysql2Pool(target: unknown): boolean {
  const p = target as Mysql2PoolLike | null;
  return typeof p === 'object' && p !== null && p._allConnections !== undefined && p._freeConnections !== undefined;
}

export function trackMysql2Pool(pool: object, name?: string): void {
  if (isTrackedPool(pool)) return;
  trackPool(pool, name ?? poolName((pool as Mysql2PoolLike).config?.connectionConfig, 3306), readMysqlPool);
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** True when a checkout has to wait for another one's release (no free connection, no room for a new one). */
function mysql2PoolWillQueue(pool: object): boolean {
  const p = pool as Mysql2PoolLike;
  if (p._freeConnections === undefined || p._allConnections === undefined) return true; // unknown internals
  if ((p._connectionQueue?.length ?? 0) > 0) return true;
  return p._freeConnections.length === 0 && p._allConnections.length >= (p.config?.connectionLimit ?? 10);
}

/** Wraps BasePool.prototype.getConnection of one mysql2 copy (pools and cluster pools share it). */
export function patchMysql2PoolPrototype(proto: Record<PropertyKey, unknown>): boolean {
  if (typeof proto.getConnection !== 'function' || proto[kPatched] === true) return false;
  Object.defineProperty(proto, kPatched, { value: true, enumerable: false });
  const original = proto.getConnection as AnyFn;
  proto.getConnection = function pulseGetConnection(this: object, callback?: unknown) {
    if (mysql.length > 0) {
      try {
        if (!isTrackedPool(this)) trackMysql2Pool(this);
        if (typeof callback === 'function') {
          // Inside a request (N+1 detection) or when callers are wanted: remember when and where
          // the application asked. The context is re-bound only if the checkout has to wait.
          const ctx = currentContext();
          const callSite = wantCallSite(mysql) ? captureCallSite() : undefined;
          if (ctx !== undefined || callSite !== undefined) {
            const bind = ctx !== undefined && mysql2PoolWillQueue(this) ? ctx : undefined;
            callback = inCheckout(callback as AnyFn, performance.now(), callSite, bind);
          }
        }
      } catch (err) {
        mysql[0]?.internalError(err);
      }
    }

    return arguments.length === 0 ? original.call(this) : original.call(this, callback);
  };
  return true;
}

interface Mysql2ModuleLike {
  createPool?: unknown;
  createConnection?: unknown;
  Pool?: { prototype: object };
}

export function isMysql2Module(mod: unknown): boolean {
  const m = mod as Mysql2ModuleLike | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.createPool === 'function' &&
    typeof m.createConnection === 'function' &&
    typeof m.Pool === 'function'
  );
}

/** Patches the pool class of a mysql2 module (the core module, not `mysql2/promise`). */
export function patchMysql2Module(mod: unknown): void {
  if (!isMysql2Module(mod)) return;
  let proto: object | null = (mod as Mysql2ModuleLike).Pool!.prototype;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'getConnection')) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (proto !== null) patchMysql2PoolPrototype(proto as Record<PropertyKey, unknown>);
}

/** `pulse.instrument(x)` for mysql2: a pool (callback or promise), a pool cluster, or a connection. */
export function instrumentMysql2Target(
  target: unknown,
  name?: string,
): 'mysql2 module' | 'mysql2 pool' | 'mysql2 pool cluster' | 'mysql2 connection' | undefined {
  if (isMysql2Module(target)) {
    patchMysql2Module(target);
    return 'mysql2 module';
  }
  if (typeof target !== 'object' || target === null) return undefined;
  // mysql2/promise wraps the callback pool or connection in `.pool` / `.connection`.
  const core = (target as { pool?: unknown }).pool ?? target;
  if (isMysql2Pool(core)) {
    let proto = Object.getPrototypeOf(core) as object | null;
    while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'getConnection')) {
      proto = Object.getPrototypeOf(proto) as object | null;
    }
    if (proto !== null) patchMysql2PoolPrototype(proto as Record<PropertyKey, unknown>);
    trackMysql2Pool(core as object, name);
    return 'mysql2 pool';
  }
  const nodes = (core as { _nodes?: unknown })._nodes;
  if (typeof nodes === 'object' && nodes !== null) {
    let i = 0;
    for (const node of Object.values(nodes as Record<string, { pool?: unknown }>)) {
      if (isMysql2Pool(node?.pool)) {
        instrumentMysql2Target(node.pool, name === undefined ? undefined : `${name}#${++i}`);
      }
    }
    return 'mysql2 pool cluster';
  }
  const connection = (target as { connection?: unknown }).connection ?? target;
  const c = connection as { query?: unknown; execute?: unknown; config?: unknown };
  if (typeof c.query === 'function' && typeof c.execute === 'function' && typeof c.config === 'object') {
    return 'mysql2 connection'; // statements come from the channels: nothing to patch
  }
  return undefined;
}
