import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PulseCore } from '../core';
import type { CaptureSource } from '../errors/capture';
import type { Middleware } from '../http/middleware';
import { koaAppErrors } from './app-errors';
import type { KoaMiddleware } from './middleware';
import { createKoaMiddleware } from './middleware';

// Koa (2 and 3) with @koa/router (15): `app.use(pulse.koa())`, first. Pulse reads only what Koa
// and the router put on `ctx`; it never imports either, so apps without Koa load nothing of it.

export type { KoaAppLike, KoaContextLike, KoaMiddleware } from './middleware';

export interface KoaSignalParts {
  /** The HTTP signal's middleware. */
  http: Middleware;
  /** Answers GET/HEAD for one of Pulse's endpoints (true), or declines (false). */
  serveEndpoint(req: IncomingMessage, res: ServerResponse): boolean;
  /** The errors signal's recorder. */
  recordError(err: unknown, source: CaptureSource): void;
}

/** The Koa middleware, built on first use: one per Pulse instance, shared by every app. */
export function createKoaSignal(core: PulseCore, parts: KoaSignalParts): { middleware(): KoaMiddleware } {
  let middleware: KoaMiddleware | undefined;
  return {
    middleware() {
      middleware ??= createKoaMiddleware(core, {
        http: parts.http,
        serveEndpoint: parts.serveEndpoint,
        appErrors: koaAppErrors(core, parts.recordError),
        traceIdHeader: core.options.http.traceIdHeader,
      });
      return middleware;
    },
  };
}
