import { AsyncLocalStorage } from 'node:async_hooks';
import type { RouteCarrier } from '../express/route-templates';

/**
 * What Pulse knows about the request being served, visible to every signal (queries, errors,
 * logs) through AsyncLocalStorage. Signals keep their own per-request state in the `signals` slots.
 */
export interface RequestContext {
  readonly traceId: string;
  /** Normalised method (`_OTHER` for unknown ones). */
  readonly method: string;
  /** Route template once Express has matched one; undefined before that (or never, for 404s). */
  route: string | undefined;
  /** `performance.now()` when Pulse's middleware saw the request. */
  readonly startTime: number;
  /** Per-signal state, e.g. the db signal's query counts for N+1 detection. */
  readonly signals: Record<string, unknown>;
  /** A signal's state if it set one; unlike `signals[name]`, never allocates the slots. */
  peekSignal(name: string): unknown;
}

/**
 * The storage and the last-entered shortcut live on one process-wide object, so every copy of
 * Pulse's code in the process (the ESM and CommonJS builds, the `register` preload that wraps
 * Express routes before the app's own import of Pulse) sees the same request contexts.
 */
interface SharedContextState {
  readonly storage: AsyncLocalStorage<RequestContext>;
  /** The context most recently entered (see contextOfRequest). */
  lastEntered: RequestContext | undefined;
}
const kShared = Symbol.for('pulse.requestContext.v1');
const shared: SharedContextState = ((globalThis as Record<symbol, unknown>)[kShared] as
  SharedContextState | undefined) ?? { storage: new AsyncLocalStorage<RequestContext>(), lastEntered: undefined };
(globalThis as Record<symbol, unknown>)[kShared] = shared;
const storage = shared.storage;

/** One class, so every request's context has the same shape (monomorphic access on the hot path). */
class PulseRequestContext implements RequestContext, RouteCarrier {
  route: string | undefined = undefined;
  mountTemplate: string | undefined = undefined;
  mountedMiddleware: string | undefined = undefined;
  /** Set once the response has been recorded. */
  closed = false;
  /** The request's `Content-Length` header, read with the trace header (one `req.headers` access). */
  requestLength: string | undefined = undefined;
  // Membership in the HTTP signal's list of requests in flight (see http/in-flight.ts).
  inFlightList: unknown = undefined;
  prev: PulseRequestContext | undefined = undefined;
  next: PulseRequestContext | undefined = undefined;
  socket: unknown = undefined;
  response: unknown = undefined;
  private signalSlots: Record<string, unknown> | undefined = undefined;

  constructor(
    readonly request: unknown,
    readonly traceId: string,
    readonly method: string,
    readonly startTime: number,
  ) {}

  /** Created on first use: most requests never touch it. */
  get signals(): Record<string, unknown> {
    return (this.signalSlots ??= {});
  }

  peekSignal(name: string): unknown {
    return this.signalSlots === undefined ? undefined : this.signalSlots[name];
  }
}

export type HttpRequestContext = PulseRequestContext;

export function createRequestContext(
  request: unknown,
  traceId: string,
  method: string,
  startTime: number,
): HttpRequestContext {
  return new PulseRequestContext(request, traceId, method, startTime);
}

// `shared.lastEntered`: the context most recently entered. Express dispatches a request's
// middleware and routes synchronously unless a middleware waits, so this is usually the one a
// route wrapper is asked about: checking it first spares an AsyncLocalStorage lookup per layer.

/** Runs `fn` with `context` as the current request context. */
export function runWithContext<R>(context: RequestContext, fn: () => R): R {
  shared.lastEntered = context;
  return storage.run(context, fn);
}

/** Drops the shortcut to a context whose request has ended, so the request can be collected. */
export function forgetContext(context: RequestContext): void {
  if (shared.lastEntered === context) shared.lastEntered = undefined;
}

/** The context of `request` if it is the current one (route wrappers ask this per layer). */
export function contextOfRequest(request: unknown): RequestContext | undefined {
  const last = shared.lastEntered as PulseRequestContext | undefined;
  if (last !== undefined && last.request === request) return last;
  const ctx = storage.getStore() as PulseRequestContext | undefined;
  return ctx !== undefined && ctx.request === request ? ctx : undefined;
}

/** The request context of the code that is running now, if it runs on behalf of a request. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
