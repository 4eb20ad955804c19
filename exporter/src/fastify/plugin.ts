import type { IncomingMessage } from 'node:http';
import type { HttpRequestContext } from '../context/request-context';
import { currentContext, runWithContext } from '../context/request-context';
import type { EndpointHandler } from '../core';
import type { CaptureSource } from '../errors/capture';
import type { HttpSignal } from '../http/middleware';
import type { FastifyInstanceLike, FastifyReplyLike, FastifyRequestLike, PulseFastifyPlugin } from './types';

// Fastify routes requests itself, so Pulse measures them from Fastify's hooks instead of a
// middleware: onRequest starts the request (the route template is Fastify's own, prefixes
// included) and enters its context; preValidation enters it again, because Fastify reads a
// request body in the socket's callbacks, where the context entered in onRequest is gone;
// onError records the error before the app's error handler answers it.

/** The request's context, as a request decoration (declared once, so requests keep one shape). */
const kContext = Symbol('pulse.requestContext');

type PulseRequest = FastifyRequestLike & { [kContext]: HttpRequestContext | null };

export interface FastifyPluginParts {
  http: HttpSignal;
  /** Pulse's endpoints (/metrics, /health…), served as Fastify routes and never measured. */
  endpoints: ReadonlyMap<string, EndpointHandler>;
  recordError(err: unknown, source: CaptureSource): void;
}

export function createFastifyPlugin(parts: FastifyPluginParts): PulseFastifyPlugin {
  const { http, endpoints, recordError } = parts;

  const plugin = function pulseFastify(fastify: FastifyInstanceLike, _options: unknown, done: (err?: Error) => void) {
    // The plugin's routes as Fastify matches them: under the prefix of the scope it was registered in.
    const ownRoutes = new Set<string>();

    function onRequest(request: PulseRequest, reply: FastifyReplyLike, next: () => void): void {
      let route = request.routeOptions.url; // one read: the getter builds an object each time
      if (route !== undefined) {
        if (ownRoutes.has(route)) return next();
        // A prefixed plugin's '/' route is registered both as '/api' and '/api/': one template.
        if (route.length > 1 && route.charCodeAt(route.length - 1) === 47 /* / */) route = route.slice(0, -1);
      }
      const ctx = http.startRequest(request.raw, reply.raw);
      if (ctx === undefined) return next();
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

    fastify.decorateRequest(kContext, null);
    fastify.addHook('onRequest', onRequest);
    fastify.addHook('preValidation', reenterContext);
    fastify.addHook('onError', onError);
    for (const [path, handler] of endpoints) {
      const url = fastify.prefix + path;
      // The app's own route (a /health registered before the plugin) keeps its path: a second
      // GET route there would make Fastify throw at startup.
      if (fastify.hasRoute?.({ method: 'GET', url }) === true) continue;
      ownRoutes.add(url);
      // GET only: Fastify answers HEAD from GET routes; the handler writes node:http's response itself.
      fastify.route({
        method: 'GET',
        url,
        logLevel: 'warn',
        handler(request, reply) {
          reply.hijack();
          handler(request.raw, reply.raw);
        },
      });
    }
    done();
  } as PulseFastifyPlugin;
  // What fastify-plugin sets: no child scope, a name in Fastify's plugin tree and errors.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@pulse-apm/exporter',
  });
  return plugin;
}
