import { currentContext } from '../context/request-context';
import { captureCallSite } from './caller';
import { inCheckout } from './checkout';
import type { QueryObservation } from './hub';
import { recordersFor, startConnect, startQuery, wantCallSite } from './hub';
import type { PoolReading } from './pool-metrics';
import { isTrackedPool, poolName, trackPool } from './pool-metrics';

// node-postgres: pg >= 8.0.3 < 9 (the range OpenTelemetry's instrumentation supports; tested
// with 8.23), Client and Pool (pg-pool 3), `pg.native` (pg-native 3) when it is installed.
//
// pg publishes no diagnostics_channel (a TracingChannel PR is open upstream), so this file
// patches — once per loaded copy, marked with a symbol:
//   Client.prototype.query    every statement: promise, callback and submittable (Query, cursor, stream) forms
//   Client.prototype.connect  connection attempts (`CONNECT`), so a refused connection is recorded
//   Pool.prototype.connect    (pg-pool) registers the pool for the pool gauges, and hands the
//                             queries of the checkout the application's request context, call
//                             site and issue time (see checkout.ts).
// The wrappers call the original with the same arguments and hand back the same results and
// errors; Pulse's own failures are caught and counted, never thrown into the application.

const kPatched = Symbol.for('pulse.db.pg.patched');
const postgres = recordersFor('postgresql');

type Callback = (err: unknown, result?: unknown) => unknown;
type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
interface Patchable {
  [kPatched]?: true;
  [key: string]: unknown;
}
interface PgResultLike {
  rowCount?: number | null;
}

function markPatched(target: Patchable): boolean {
  if (target[kPatched] === true) return false;
  Object.defineProperty(target, kPatched, { value: true, enumerable: false });
  return true;
}

function rowsOf(result: unknown): number | undefined {
  if (Array.isArray(result)) {
    // A multi-statement text query resolves to one Result per statement.
    let total = 0;
    for (const r of result as PgResultLike[]) total += typeof r?.rowCount === 'number' ? r.rowCount : 0;
    return total;
  }
  const count = (result as PgResultLike | undefined)?.rowCount;
  return typeof count === 'number' ? count : undefined;
}

function observedCallback(callback: Callback, obs: QueryObservation): Callback {
  return function pulseQueryCallback(this: unknown, err: unknown, result?: unknown) {
    obs.end(err, err ? undefined : rowsOf(result));
    // eslint-disable-next-line prefer-rest-params
    return callback.apply(this, arguments as unknown as [unknown, unknown]);
  };
}

/** A submittable (pg.Query, pg-cursor, pg-query-stream) ends in exactly one of these two calls. */
function observeSubmittable(query: Patchable, obs: QueryObservation): void {
  const onReady = query.handleReadyForQuery;
  const onError = query.handleError;
  if (typeof onReady === 'function') {
    query.handleReadyForQuery = function pulseReadyForQuery(this: unknown) {
      obs.end(undefined, rowsOf((query as { _result?: unknown })._result));
      // eslint-disable-next-line prefer-rest-params
      return (onReady as AnyFn).apply(this, arguments as unknown as unknown[]);
    };
  }
  if (typeof onError === 'function') {
    query.handleError = function pulseHandleError(this: unknown, err: unknown) {
      obs.end(err ?? new Error('query failed'), undefined);
      // eslint-disable-next-line prefer-rest-params
      return (onError as AnyFn).apply(this, arguments as unknown as unknown[]);
    };
  }
}

/**
 * What pg's own promise form does with a rejection (pg ≥ 8.11): the error's stack is replaced by
 * one leading back to the application. Mirrored only when the patched copy of pg does it.
 */
function captureStack(err: unknown): never {
  if (typeof err === 'object' && err !== null) Error.captureStackTrace(err);
  throw err;
}

/**
 * pg writes `callback` (and `values`) onto the config object it is given. A view inheriting from
 * the caller's object takes those writes instead, so a config object the application reuses
 * (a prepared statement) is never altered; reads, getters included, fall through to it.
 */
function configView(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const view = Object.create(config as object) as Record<string, unknown>;
  // A frozen config's `callback` could not be overwritten through the view: shadow it, writable.
  if ('callback' in config) {
    const value = (config as { callback?: unknown }).callback;
    Object.defineProperty(view, 'callback', { value, writable: true, enumerable: true, configurable: true });
  }
  return view;
}

function textOf(config: unknown): unknown {
  if (typeof config === 'string') return config;
  const c = config as { text?: unknown; cursor?: { text?: unknown } };
  return c.text ?? c.cursor?.text ?? '';
}

/**
 * connect()'s promise, observed: the derived promise is returned in place of pg's, so an
 * unhandled rejection is still reported (on it), with the same error object. (Connections are
 * rare enough that the extra promise does not matter; queries avoid it, see pulseQuery.)
 */
function observedConnect(result: unknown, obs: QueryObservation): unknown {
  if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
    obs.end(undefined, undefined);
    return result;
  }
  return (result as Promise<unknown>).then(
    (value) => {
      obs.end(undefined, undefined);
      return value;
    },
    (err: unknown) => {
      obs.end(err, undefined);
      throw err;
    },
  );
}

export function patchPgClientPrototype(proto: Patchable): boolean {
  if (typeof proto.query !== 'function' || typeof proto.connect !== 'function' || !markPatched(proto)) return false;
  const originalQuery = proto.query as AnyFn;
  const originalConnect = proto.connect as AnyFn;
  const capturesStack = Function.prototype.toString.call(originalQuery).includes('captureStackTrace');

  proto.query = function pulseQuery(this: unknown, config: unknown, values?: unknown, callback?: unknown) {
    if (postgres.length === 0 || config === null || config === undefined) {
      // eslint-disable-next-line prefer-rest-params
      return originalQuery.apply(this, arguments as unknown as unknown[]);
    }
    const bound = typeof values === 'function' ? undefined : values;
    const obs = startQuery(postgres, textOf(config), bound ?? (config as { values?: unknown }).values);
    try {
      if (typeof (config as Patchable).submit === 'function') {
        observeSubmittable(config as Patchable, obs);
        // eslint-disable-next-line prefer-rest-params
        return originalQuery.apply(this, arguments as unknown as unknown[]);
      }
      if (typeof values === 'function') {
        return originalQuery.call(this, configView(config), observedCallback(values as Callback, obs), callback);
      }
      if (typeof callback === 'function') {
        return originalQuery.call(this, configView(config), values, observedCallback(callback as Callback, obs));
      }
      const own = (config as { callback?: unknown }).callback;
      if (typeof own === 'function') {
        return originalQuery.call(this, configView(config), values, observedCallback(own as Callback, obs));
      }
      // Promise form. Rather than chaining onto pg's promise (one more promise and tick per
      // query), run pg's callback form and build the promise pg itself would have returned:
      // same Promise class, same resolution, same rejection (and stack handling), same ticks.
      const PromiseClass = ((this as { _Promise?: PromiseConstructor })._Promise ?? Promise) as PromiseConstructor;
      let settle!: Callback;
      const promise = new PromiseClass((resolve, reject) => {
        settle = (err, result) => {
          obs.end(err, err ? undefined : rowsOf(result));
          if (err) reject(err);
          else resolve(result);
        };
      });
      originalQuery.call(this, configView(config), values, settle);
      return capturesStack ? promise.catch(captureStack) : promise;
    } catch (err) {
      obs.end(err, undefined); // thrown synchronously (e.g. a bad argument): rethrown unchanged
      throw err;
    }
  };

  proto.connect = function pulseConnect(this: unknown, callback?: unknown) {
    if (postgres.length === 0) {
      // eslint-disable-next-line prefer-rest-params
      return originalConnect.apply(this, arguments as unknown as unknown[]);
    }
    const obs = startConnect(postgres);
    try {
      if (typeof callback === 'function')
        return originalConnect.call(this, observedCallback(callback as Callback, obs));
      // eslint-disable-next-line prefer-rest-params
      return observedConnect(originalConnect.apply(this, arguments as unknown as unknown[]), obs);
    } catch (err) {
      obs.end(err, undefined);
      throw err;
    }
  };
  return true;
}

interface PgPoolLike {
  options?: { max?: number } & Record<string, unknown>;
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
  ending?: boolean;
  ended?: boolean;
}

function readPgPool(pool: object): PoolReading | undefined {
  const p = pool as PgPoolLike;
  if (p.ended === true || p.ending === true) return undefined;
  const total = p.totalCount ?? 0;
  const idle = p.idleCount ?? 0;
  return { idle, used: total - idle, pending: p.waitingCount ?? 0, max: p.options?.max ?? 10 };
}

export function trackPgPool(pool: object, name?: string): void {
  if (isTrackedPool(pool)) return;
  trackPool(pool, name ?? poolName((pool as PgPoolLike).options, 5432), readPgPool);
}

/** True when a checkout has to wait for another one's release (no idle client, no room for a new one). */
function pgPoolWillQueue(pool: object): boolean {
  const p = pool as { _idle?: unknown[]; _clients?: unknown[]; options?: { max?: number }; waitingCount?: number };
  if (!Array.isArray(p._idle) || !Array.isArray(p._clients)) return true; // unknown internals: be safe
  return (p.waitingCount ?? 0) > 0 || (p._idle.length === 0 && p._clients.length >= (p.options?.max ?? 10));
}

export function patchPgPoolPrototype(proto: Patchable): boolean {
  if (typeof proto.connect !== 'function' || !markPatched(proto)) return false;
  const originalConnect = proto.connect as AnyFn;
  proto.connect = function pulsePoolConnect(this: object, callback?: unknown) {
    if (postgres.length > 0) {
      try {
        if (!isTrackedPool(this)) trackPgPool(this);
        if (typeof callback === 'function') {
          // Inside a request (N+1 detection) or when callers are wanted: remember when and where
          // the application asked. The context is re-bound only if the checkout has to wait.
          const ctx = currentContext();
          const callSite = wantCallSite(postgres) ? captureCallSite() : undefined;
          if (ctx !== undefined || callSite !== undefined) {
            const bind = ctx !== undefined && pgPoolWillQueue(this) ? ctx : undefined;
            callback = inCheckout(callback as AnyFn, performance.now(), callSite, bind);
          }
        }
      } catch (err) {
        postgres[0]?.internalError(err);
      }
    }

    return arguments.length === 0 ? originalConnect.call(this) : originalConnect.call(this, callback);
  };
  return true;
}

/** The prototype in `obj`'s chain that defines `method` itself. */
function ownerOf(obj: object | null, method: string): Patchable | undefined {
  for (let p = obj; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.prototype.hasOwnProperty.call(p, method)) return p as Patchable;
  }
  return undefined;
}

interface PgModuleLike {
  Client?: { prototype: object };
  Pool?: { prototype: object };
}

export function isPgModule(mod: unknown): boolean {
  const m = mod as PgModuleLike | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.Client === 'function' &&
    typeof m.Pool === 'function' &&
    'types' in m
  );
}

/** Patches a pg module instance (and `pg.native`, now or when first accessed). */
export function patchPgModule(mod: unknown): void {
  const m = mod as PgModuleLike & Patchable;
  if (!isPgModule(m)) return;
  const client = ownerOf(m.Client!.prototype, 'query');
  if (client !== undefined) patchPgClientPrototype(client);
  const pool = ownerOf(m.Pool!.prototype, 'connect');
  if (pool !== undefined) patchPgPoolPrototype(pool);
  patchPgNative(m);
}

/**
 * pg.native is a lazy getter that loads the pg-native addon. Pulse must not load it (it may not
 * be installed, and loading it has side effects), so it wraps the getter: whatever it returns
 * is patched on first access. If the app already accessed it, the value is patched now.
 */
function patchPgNative(m: Patchable): void {
  const descriptor = Object.getOwnPropertyDescriptor(m, 'native');
  if (descriptor === undefined) return;
  if ('value' in descriptor) {
    if (descriptor.value !== null && descriptor.value !== m) patchPgModule(descriptor.value);
    return;
  }
  const get = descriptor.get;
  if (get === undefined || !descriptor.configurable || (get as { [kPatched]?: true })[kPatched]) return;
  const patchedGet = function pulseNativeGetter(this: unknown): unknown {
    const native = get.call(this);
    if (native !== null && native !== undefined) patchPgModule(native);
    return native;
  };
  Object.defineProperty(patchedGet, kPatched, { value: true });
  Object.defineProperty(m, 'native', { ...descriptor, get: patchedGet });
}

/** `pulse.instrument(x)` for pg: a module, a Pool or a Client (native or JS). Returns what it recognised. */
export function instrumentPgTarget(target: unknown, name?: string): 'pg module' | 'pg pool' | 'pg client' | undefined {
  if (isPgModule(target)) {
    patchPgModule(target);
    return 'pg module';
  }
  const t = target as {
    Client?: unknown;
    options?: unknown;
    query?: unknown;
    connect?: unknown;
    connectionParameters?: unknown;
  };
  if (typeof t !== 'object' || t === null) return undefined;
  if (typeof t.connect === 'function' && typeof t.Client === 'function' && 'totalCount' in t && 'waitingCount' in t) {
    const client = ownerOf((t.Client as { prototype: object }).prototype, 'query');
    if (client !== undefined) patchPgClientPrototype(client);
    const pool = ownerOf(t as object, 'connect');
    if (pool !== undefined) patchPgPoolPrototype(pool);
    trackPgPool(t as object, name);
    return 'pg pool';
  }
  if (typeof t.query === 'function' && typeof t.connect === 'function' && typeof t.connectionParameters === 'object') {
    const client = ownerOf(t as object, 'query');
    if (client !== undefined) patchPgClientPrototype(client);
    return 'pg client';
  }
  return undefined;
}
