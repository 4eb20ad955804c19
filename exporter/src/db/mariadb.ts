import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestContext } from '../context/request-context';
import { currentContext } from '../context/request-context';
import { captureCallSite } from './caller';
import type { CallSiteHolder } from './caller';
import { inCheckout } from './checkout';
import type { QueryObservation } from './hub';
import { recordersFor, startConnect, startQuery, wantCallSite } from './hub';
import type { PoolReading } from './pool-metrics';
import { isTrackedPool, poolName, trackPool } from './pool-metrics';

// mariadb (MariaDB Connector/Node.js) >= 3.4 < 4, tested with 3.4.5: the driver of Prisma's
// MariaDB/MySQL adapter (@prisma/adapter-mariadb), and a driver of its own. It publishes no
// diagnostics_channel, so this file patches the two internal classes the promise API (the
// package's main entry, and what the Prisma adapter uses) ends in — its connections and pools call
// them with (cmdParam, resolve, reject) — once per loaded copy, marked with a symbol:
//   Connection.prototype.query / prepareExecute / batch   every statement (text, binary, batch)
//   Connection.prototype.changeTransaction                commit() and rollback(), when they send one
//   Connection.prototype.connect                          connection attempts (`CONNECT`)
//   Pool.prototype.getConnection   registers the pool for the pool gauges, and hands the checkout's
//                                  queries the application's request context, call site and issue
//                                  time (a queued request is called back from whoever released)
// Not seen: the statements of the callback API (`mariadb/callback`) and queryStream(), which build
// their commands themselves and queue them past these methods (their connects and pools are seen).
// Statements are recorded as db_system_name "mysql", as mysql2's are: the same servers and SQL.

const kPatched = Symbol.for('pulse.db.mariadb.patched');
const mysql = recordersFor('mysql');

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
type Patchable = Record<PropertyKey, unknown>;
interface CmdParam {
  sql?: unknown;
  values?: unknown;
}

function markPatched(target: Patchable): boolean {
  if (target[kPatched] === true) return false;
  Object.defineProperty(target, kPatched, { value: true, enumerable: false });
  return true;
}

function rowsOf(result: unknown): number | undefined {
  if (Array.isArray(result)) return result.length;
  const affected = (result as { affectedRows?: unknown } | undefined)?.affectedRows;
  if (typeof affected === 'number') return affected;
  return typeof affected === 'bigint' ? Number(affected) : undefined;
}

/** Runs `original(cmdParam, resolve, reject)` with the statement observed until it settles. */
function runObserved(
  self: unknown,
  original: AnyFn,
  obs: QueryObservation,
  cmdParam: unknown,
  resolve: AnyFn,
  reject: AnyFn,
): unknown {
  try {
    return original.call(
      self,
      cmdParam,
      function pulseResolve(this: unknown, result: unknown) {
        obs.end(undefined, rowsOf(result));
        return resolve.call(this, result);
      },
      function pulseReject(this: unknown, err: unknown) {
        obs.end(err ?? new Error('query failed'), undefined);
        return reject.call(this, err);
      },
    );
  } catch (err) {
    obs.end(err, undefined); // thrown synchronously: rethrown unchanged
    throw err;
  }
}

/** query / prepareExecute / batch: one statement each (a batch is one statement with many value sets). */
function wrapStatement(original: AnyFn): AnyFn {
  return function pulseStatement(this: unknown, cmdParam: unknown, resolve: unknown, reject: unknown) {
    const sql = (cmdParam as CmdParam | null | undefined)?.sql;
    if (
      mysql.length === 0 ||
      typeof sql !== 'string' ||
      typeof resolve !== 'function' ||
      typeof reject !== 'function'
    ) {
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    }
    const obs = startQuery(mysql, sql, (cmdParam as CmdParam).values);
    return runObserved(this, original, obs, cmdParam, resolve as AnyFn, reject as AnyFn);
  };
}

/** MySQL's SERVER_STATUS_IN_TRANS flag. */
const STATUS_IN_TRANS = 1;

/**
 * commit() / rollback(): the driver sends the statement only inside a transaction (or when a
 * command is in flight); otherwise it resolves at once and nothing reaches the server, so
 * nothing is recorded. The test mirrors the driver's own.
 */
function wrapChangeTransaction(original: AnyFn): AnyFn {
  return function pulseChangeTransaction(this: unknown, cmdParam: unknown, resolve: unknown, reject: unknown) {
    const sql = (cmdParam as CmdParam | null | undefined)?.sql;
    const conn = this as { receiveQueue?: { peekFront?: () => unknown }; info?: { status?: number } };
    const sends = conn.receiveQueue?.peekFront?.() !== undefined || ((conn.info?.status ?? 0) & STATUS_IN_TRANS) !== 0;
    if (
      mysql.length === 0 ||
      !sends ||
      typeof sql !== 'string' ||
      typeof resolve !== 'function' ||
      typeof reject !== 'function'
    ) {
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return runObserved(this, original, startQuery(mysql, sql, undefined), cmdParam, resolve as AnyFn, reject as AnyFn);
  };
}

function wrapConnect(original: AnyFn): AnyFn {
  return function pulseConnect(this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    if (mysql.length === 0) return original.apply(this, args);
    const obs = startConnect(mysql);
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (err) {
      obs.end(err, undefined);
      throw err;
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
      obs.end(undefined, undefined);
      return result;
    }
    // The driver's own promise goes back to the caller: observing it on the side must not turn
    // a rejection the caller handles into an unhandled one, hence the second handler.
    (result as Promise<unknown>).then(
      () => obs.end(undefined, undefined),
      (err: unknown) => obs.end(err, undefined),
    );
    return result;
  };
}

export function patchMariadbConnectionPrototype(proto: Patchable): boolean {
  if (typeof proto.query !== 'function' || typeof proto.prepareExecute !== 'function' || !markPatched(proto)) {
    return false;
  }
  for (const method of ['query', 'prepareExecute', 'batch'] as const) {
    if (typeof proto[method] === 'function') proto[method] = wrapStatement(proto[method] as AnyFn);
  }
  if (typeof proto.changeTransaction === 'function') {
    proto.changeTransaction = wrapChangeTransaction(proto.changeTransaction as AnyFn);
  }
  if (typeof proto.connect === 'function') proto.connect = wrapConnect(proto.connect as AnyFn);
  return true;
}

interface MariadbPoolLike {
  opts?: { connectionLimit?: number; connOptions?: Record<string, unknown> };
  closed?: boolean;
  totalConnections?: () => number;
  idleConnections?: () => number;
  taskQueueSize?: () => number;
}

function readMariadbPool(pool: object): PoolReading | undefined {
  const p = pool as MariadbPoolLike;
  if (p.closed === true) return undefined;
  const total = p.totalConnections?.() ?? 0;
  const idle = p.idleConnections?.() ?? 0;
  return { idle, used: total - idle, pending: p.taskQueueSize?.() ?? 0, max: p.opts?.connectionLimit ?? 10 };
}

export function trackMariadbPool(pool: object, name?: string): void {
  if (isTrackedPool(pool)) return;
  trackPool(pool, name ?? poolName((pool as MariadbPoolLike).opts?.connOptions, 3306), readMariadbPool);
}

/**
 * The checkout callback. It runs synchronously when an idle connection is at hand; later (a new
 * connection, a validation ping, a queued request served by whoever released one) it is run in
 * the request context of the code that asked.
 */
function checkoutCallback(
  callback: AnyFn,
  at: number,
  site: CallSiteHolder | undefined,
  ctx: RequestContext | undefined,
): { callback: AnyFn; returned(): void } {
  let late = false;
  const direct = inCheckout(callback, at, site, undefined);
  const bound = ctx === undefined ? direct : inCheckout(callback, at, site, ctx);
  return {
    callback: function pulseMariadbCheckout(this: unknown) {
      // eslint-disable-next-line prefer-rest-params
      return (late ? bound : direct).apply(this, arguments as unknown as unknown[]);
    },
    returned: () => void (late = true),
  };
}

/** Wraps Pool.prototype.getConnection(cmdParam?, callback) of one mariadb copy (lib/pool.js). */
export function patchMariadbPoolPrototype(proto: Patchable): boolean {
  if (typeof proto.getConnection !== 'function' || !markPatched(proto)) return false;
  const original = proto.getConnection as AnyFn;
  proto.getConnection = function pulseGetConnection(this: object, cmdParam?: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments) as unknown[];
    let returned: (() => void) | undefined;
    if (mysql.length > 0) {
      try {
        if (!isTrackedPool(this)) trackMariadbPool(this);
        const at = typeof cmdParam === 'function' ? 0 : 1;
        const cb = args[at];
        if (typeof cb === 'function') {
          const ctx = currentContext();
          const callSite = wantCallSite(mysql) ? captureCallSite() : undefined;
          if (ctx !== undefined || callSite !== undefined) {
            const wrapped = checkoutCallback(cb as AnyFn, performance.now(), callSite, ctx);
            args[at] = wrapped.callback;
            returned = wrapped.returned;
          }
        }
      } catch (err) {
        mysql[0]?.internalError(err);
      }
    }
    try {
      return original.apply(this, args);
    } finally {
      returned?.();
    }
  };
  return true;
}

interface MariadbModuleLike {
  createPool?: unknown;
  createConnection?: unknown;
  createPoolCluster?: unknown;
  defaultOptions?: unknown;
  version?: unknown;
}

/** The `mariadb` module (`require('mariadb')` or `require('mariadb/callback')`). */
export function isMariadbModule(mod: unknown): boolean {
  const m = mod as MariadbModuleLike | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.createPool === 'function' &&
    typeof m.createConnection === 'function' &&
    typeof m.createPoolCluster === 'function' &&
    typeof m.defaultOptions === 'function' &&
    typeof m.version === 'string'
  );
}

/**
 * Patches the copy of mariadb whose entry file is `filename` (…/mariadb/promise.js or
 * callback.js): its lib/connection.js and lib/pool.js, which both entries share. Returns false
 * when they cannot be loaded (an unexpected layout).
 */
export function patchMariadbModule(mod: unknown, filename: string | undefined): boolean {
  if (!isMariadbModule(mod) || filename === undefined) return false;
  const req = createRequire(filename);
  const root = dirname(filename);
  let Connection: unknown;
  let Pool: unknown;
  try {
    Connection = req(join(root, 'lib', 'connection.js'));
    Pool = req(join(root, 'lib', 'pool.js'));
  } catch {
    return false;
  }
  if (typeof Connection !== 'function' || typeof Pool !== 'function') return false;
  patchMariadbConnectionPrototype(Connection.prototype as Patchable);
  patchMariadbPoolPrototype(Pool.prototype as Patchable);
  return true;
}

/** `pulse.instrument(mariadb)`: the module (promise or callback entry); its pools are then found at checkout. */
export function instrumentMariadbTarget(
  target: unknown,
  filenameOf: (exports: unknown) => string | undefined,
): 'mariadb module' | undefined {
  if (!isMariadbModule(target)) return undefined;
  if (!patchMariadbModule(target, filenameOf(target))) {
    throw new TypeError('pulse.instrument(mariadb): this copy of mariadb was not loaded from its package folder');
  }
  return 'mariadb module';
}
