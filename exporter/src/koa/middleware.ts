import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../context/request-context';
import { contextOfRequest } from '../context/request-context';
import type { PulseCore } from '../core';
import type { Middleware } from '../http/middleware';
import type { KoaAppErrors } from './app-errors';
import { watchMatchedRoute } from './matched-route';
import type { RoutedContext } from './route-template';
import { koaRouteTemplate } from './route-template';

// Koa's side of the HTTP signal. Koa composes async middleware and answers once the whole chain
// has settled, so Pulse's middleware, added first, runs the HTTP signal's raw-node middleware
// around `next()`: the rest of the chain runs inside the request's AsyncLocalStorage context
// (queries, outgoing calls and errors carry the route and trace id), and the route template is
// follows what @koa/router writes to `ctx` (see matched-route.ts), settled before Koa writes the
// response.

/** The parts of a Koa application Pulse uses (Koa 2 and 3). */
export interface KoaAppLike {
  /** The prototype of every `ctx` of the app. */
  context: object;
  on(event: 'error', listener: (err: unknown, ctx?: unknown) => void): unknown;
  listenerCount(event: 'error'): number;
  onerror?(err: Error): void;
}

/** The parts of a Koa context Pulse reads. Koa's own context type is assignable to it. */
export interface KoaContextLike extends RoutedContext {
  req: IncomingMessage;
  res: ServerResponse;
  app: KoaAppLike;
  /** Set to false for Pulse's own endpoints: they write the raw response themselves. */
  respond?: boolean;
  status: number;
  originalUrl?: string;
  request?: { body?: unknown };
}

/** An async Koa middleware: `app.use(pulse.koa())`. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown>;

export interface KoaMiddlewareParts {
  /** The HTTP signal's middleware: measures the request and runs `next` in its context. */
  http: Middleware;
  /** Answers GET/HEAD for one of Pulse's endpoints (true), or declines (false). */
  serveEndpoint(req: IncomingMessage, res: ServerResponse): boolean;
  /** Records errors Koa emits as the app's `error` event. */
  appErrors: KoaAppErrors;
  /** The response header that carries the trace id, or false. */
  traceIdHeader: string | false;
}

export function createKoaMiddleware(core: PulseCore, parts: KoaMiddlewareParts): KoaMiddleware {
  const { http, serveEndpoint, appErrors, traceIdHeader } = parts;
  const apps = new WeakSet<object>();
  let lastApp: object | undefined;

  /** Once per app (a koa-mount'ed app shares its parent's ctx): its errors and its router's writes. */
  function setUpApp(app: KoaAppLike): void {
    lastApp = app;
    if (apps.has(app)) return;
    apps.add(app);
    appErrors.listen(app);
    watchMatchedRoute(app.context, routeWritten);
  }

  /** The router matched a layer: the handler about to run works under its route. */
  function routeWritten(ctx: object): void {
    const koaCtx = ctx as KoaContextLike;
    const requestContext = contextOfRequest(koaCtx.req);
    if (requestContext !== undefined) setRoute(koaCtx, requestContext);
  }

  function setRoute(ctx: KoaContextLike, requestContext: RequestContext): void {
    try {
      requestContext.route = koaRouteTemplate(ctx);
    } catch (err) {
      core.internalError('http', err);
    }
  }

  return function pulseKoa(ctx, next) {
    let downstream: Promise<unknown> | undefined;
    let requestContext: RequestContext | undefined;
    try {
      if (ctx.app !== lastApp) setUpApp(ctx.app);
      const { req, res } = ctx;
      if (serveEndpoint(req, res)) {
        ctx.respond = false; // the endpoint wrote the raw response
        return Promise.resolve();
      }
      http(req, res, () => {
        requestContext = contextOfRequest(req); // undefined for excluded paths
        downstream = next();
      });
    } catch (err) {
      core.internalError('http', err);
    }
    // Whatever failed in Pulse, the app's chain runs once.
    if (downstream === undefined) return next();
    const measured = requestContext;
    if (measured === undefined) return downstream;
    // Read again once settled: a router the accessor did not see (a context created elsewhere).
    return downstream.then(
      () => setRoute(ctx, measured),
      (err: unknown) => {
        setRoute(ctx, measured);
        appErrors.failed(ctx, measured);
        keepTraceIdHeader(err, measured.traceId);
        throw err;
      },
    );
  };

  /**
   * Koa answers an error by removing every header set so far and adding `err.headers`: the trace
   * id header goes with them unless the error carries it (Express keeps it on error responses).
   */
  function keepTraceIdHeader(err: unknown, traceId: string): void {
    if (traceIdHeader === false || typeof err !== 'object' || err === null || !Object.isExtensible(err)) return;
    try {
      const e = err as { headers?: unknown };
      const headers = typeof e.headers === 'object' && e.headers !== null ? e.headers : {};
      // Written every time: an error object thrown again must not keep an earlier request's id.
      e.headers = { ...headers, [traceIdHeader]: traceId };
    } catch (internal) {
      core.internalError('http', internal); // a getter-only or frozen `headers`: leave the error alone
    }
  }
}
