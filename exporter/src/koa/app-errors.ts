import type { IncomingMessage } from 'node:http';
import { HTTP_UNMATCHED_ROUTE } from '../catalog/http';
import type { RequestContext } from '../context/request-context';
import { contextOfRequest } from '../context/request-context';
import type { PulseCore } from '../core';
import type { CaptureSource } from '../errors/capture';
import type { KoaAppLike, KoaContextLike } from './middleware';
import { koaRouteTemplate } from './route-template';

// Koa reports a request's error as the app's `error` event, `(err, ctx)`: Koa itself for an error
// that reached it (it answers with err.status or 500), and the user's error-handling middleware by
// the pattern Koa documents (`ctx.app.emit('error', err, ctx)` after setting the status). Pulse
// listens there, so the errors signal sees what the app's own logging sees, with the route.
// The listener is added at the app's first request, after `app.listen()`/`callback()` has
// decided whether to add Koa's default logger (it does so only when nobody listens).

export interface KoaAppErrors {
  /** Listens to `app`'s errors; called once per app. */
  listen(app: KoaAppLike): void;
  /** The chain of `ctx` rejected: Koa will answer it and emit the error outside its context. */
  failed(ctx: KoaContextLike, requestContext: RequestContext): void;
}

type Record = (err: unknown, source: CaptureSource) => void;

export function koaAppErrors(core: PulseCore, record: Record): KoaAppErrors {
  // Only requests whose chain rejected: Koa's own `error` event runs outside their context.
  const failedRequests = new WeakMap<object, RequestContext>();

  function onAppError(app: KoaAppLike, err: unknown, ctx: unknown): void {
    try {
      record(err, sourceOf(ctx));
    } catch (internal) {
      core.internalError('errors', internal);
    }
    // Koa adds its own logger only when nobody listens: if Pulse is the only listener (the app
    // built another callback after Pulse started listening), log as Koa would have.
    try {
      if (app.listenerCount('error') === 1 && err instanceof Error) app.onerror?.(err);
    } catch {
      // Koa's logger throws only for a non-error, which it would have thrown into the emitter.
    }
  }

  function sourceOf(ctx: unknown): CaptureSource {
    if (!isKoaContext(ctx)) return { origin: 'koa' };
    const failed = failedRequests.get(ctx);
    const source: CaptureSource = {
      origin: 'koa',
      request: requestOf(ctx),
      route: koaRouteTemplate(ctx) ?? HTTP_UNMATCHED_ROUTE,
    };
    const context = failed ?? contextOfRequest(ctx.req);
    if (context !== undefined) source.context = context;
    // An error middleware sets the status it answers with before emitting; Koa answers an error
    // without a status with 500 (the recorder's default for this origin).
    if (failed === undefined && ctx.status >= 400) source.status = ctx.status;
    return source;
  }

  return {
    listen(app) {
      app.on('error', (err, ctx) => onAppError(app, err, ctx));
    },
    failed(ctx, requestContext) {
      failedRequests.set(ctx, requestContext);
    },
  };
}

function isKoaContext(ctx: unknown): ctx is KoaContextLike {
  if (typeof ctx !== 'object' || ctx === null) return false;
  const req = (ctx as { req?: unknown }).req;
  return typeof req === 'object' && req !== null && typeof (req as { headers?: unknown }).headers === 'object';
}

/** What the errors signal records of the request: Koa keeps the original URL and the parsed body on ctx. */
function requestOf(ctx: KoaContextLike): IncomingMessage {
  const { req } = ctx;
  return {
    originalUrl: ctx.originalUrl ?? req.url,
    url: req.url,
    headers: req.headers,
    body: ctx.request?.body,
  } as unknown as IncomingMessage;
}
