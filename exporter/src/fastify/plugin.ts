import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequestContext } from '../context/request-context';
import { currentContext, runWithContext } from '../context/request-context';
import type { PulseCore } from '../core';
import type { CaptureSource } from '../errors/capture';
import type { HttpSignal } from '../http/middleware';
import type { FastifyInstanceLike, FastifyReplyLike, FastifyRequestLike, PulseFastifyPlugin } from './types';

// Fastify routes requests itself, so Pulse measures them around Fastify rather than as a
// middleware. The server's `request` event starts the request, before Fastify routes it: Fastify
// answers some requests without running any hook (a URL it cannot decode, a parameter over
// maxParamLength, a request while closing), and those are counted too, as (unmatched). onRequest
// sets the route template (Fastify's own, prefixes included) and enters the request's context;
// preValidation enters it again, because Fastify reads a request body in the socket's callbacks,
// where that context is gone; onError records the error before the app's error handler answers.
//
// Pulse's endpoints are answered in onRequest, not registered as routes: a route of the app on
// the same path, registered before or after the plugin, would make Fastify refuse to start. So
// they answer first whatever the order, as pulse.mount() has them on Express.

/** The request's context, as a request decoration (declared once, so requests keep one shape). */
const kContext = Symbol('pulse.requestContext');

type PulseRequest = FastifyRequestLike & { [kContext]: HttpRequestContext | null };

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
interface ServerLike {
  prependListener(event: 'request', listener: RequestListener): unknown;
}

export interface FastifyPluginParts {
  http: HttpSignal;
  /** The endpoint path a request URL names (`/METRICS`, `/health/` as Express routes them), or undefined. */
  ownEndpoint(url: string): string | undefined;
  /** Answers GET/HEAD for one of Pulse's endpoints (true), or declines (false). */
  serveEndpoint(req: IncomingMessage, res: ServerResponse): boolean;
  recordError(err: unknown, source: CaptureSource): void;
}

export function createFastifyPlugin(core: PulseCore, parts: FastifyPluginParts): PulseFastifyPlugin {
  const { http, ownEndpoint, serveEndpoint, recordError } = parts;
  /** Requests started from the server's event: their context, or null when not measured (excluded). */
  const started = new WeakMap<IncomingMessage, HttpRequestContext | null>();
  const listenedServers = new WeakSet<object>();

  const onServerRequest: RequestListener = (req, res) => {
    try {
      if (ownEndpoint(req.url ?? '/') !== undefined) return; // onRequest serves it, unmeasured
      started.set(req, http.startRequest(req, res) ?? null);
    } catch (err) {
      core.internalError('http', err); // the request is Fastify's to answer all the same
    }
  };

  function onRequest(request: PulseRequest, reply: FastifyReplyLike, next: () => void): void {
    const raw = request.raw;
    if (ownEndpoint(raw.url ?? '/') !== undefined) {
      // Served and never measured; other methods on those paths are the app's, unmeasured too.
      if (!serveEndpoint(raw, reply.raw)) return next();
      reply.hijack(); // the endpoint writes node:http's response itself
      return;
    }
    // Not through the server's event: inject(), or a server the plugin could not listen on.
    let ctx = started.get(raw);
    if (ctx === undefined) ctx = http.startRequest(raw, reply.raw) ?? null;
    if (ctx === null) return next();
    let route = request.routeOptions.url; // one read: the getter builds an object each time
    // A prefixed plugin's '/' route is registered both as '/api' and '/api/': one template.
    if (route !== undefined && route.length > 1 && route.charCodeAt(route.length - 1) === 47 /* / */) {
      route = route.slice(0, -1);
    }
    // Versioned routes (`constraints: { version }`) share their URL, so they share one template.
    ctx.route = route; // undefined for Fastify's 404 handler: counted as (unmatched)
    request[kContext] = ctx;
    runWithContext(ctx, next);
  }

  function reenterContext(request: PulseRequest, _reply: FastifyReplyLike, next: () => void): void {
    const ctx = request[kContext];
    if (ctx === null || currentContext() === ctx) return next();
    runWithContext(ctx, next);
  }

  function onError(request: PulseRequest, reply: FastifyReplyLike, error: unknown, next: () => void): void {
    // As Fastify's error handler decides: an explicit reply.code() >= 400, else the error's own
    // status (the recorder reads it), else 500; an app's own error handler may answer otherwise.
    const status = reply.statusCode >= 400 ? reply.statusCode : undefined;
    const source: CaptureSource = { origin: 'fastify', request: request as unknown as IncomingMessage, status };
    const ctx = request[kContext];
    if (ctx !== null) source.context = ctx;
    recordError(error, source);
    next();
  }

  /** Before Fastify's own listener, which the server got when it was created. */
  function listenOn(server: unknown): void {
    if (!isServer(server) || listenedServers.has(server)) return;
    listenedServers.add(server);
    server.prependListener('request', onServerRequest);
  }

  const plugin = function pulseFastify(fastify: FastifyInstanceLike, _options: unknown, done: (err?: Error) => void) {
    listenOn(fastify.server);
    fastify.decorateRequest(kContext, null);
    fastify.addHook('onRequest', onRequest);
    fastify.addHook('preValidation', reenterContext);
    fastify.addHook('onError', onError);
    done();
  } as PulseFastifyPlugin;
  // What fastify-plugin sets: no child scope, a name in Fastify's plugin tree and errors.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@pulse-apm/exporter',
  });
  return plugin;
}

function isServer(server: unknown): server is ServerLike & object {
  return (
    typeof server === 'object' &&
    server !== null &&
    typeof (server as Partial<ServerLike>).prependListener === 'function'
  );
}
