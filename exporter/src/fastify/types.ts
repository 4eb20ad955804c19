import type { IncomingMessage, ServerResponse } from 'node:http';

// The parts of Fastify (4.10+ and 5) Pulse uses, as structural types: the exporter never imports
// Fastify, so its types compile for apps without it, and `app.register(pulse.fastify())` checks
// against Fastify's own `FastifyPluginCallback` (methods are compared bivariantly).

export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
  /** Fastify ≥ 4.10: the matched route's options; `url` (prefixes included) is undefined for 404s. */
  readonly routeOptions: { readonly url?: string };
}

export interface FastifyReplyLike {
  readonly raw: ServerResponse;
  readonly statusCode: number;
  hijack(): unknown;
}

type Done = (err?: Error) => void;

export interface FastifyInstanceLike {
  /** The node:http (or http2) server Fastify answers on. */
  readonly server: unknown;
  decorateRequest(name: string | symbol, value: unknown): unknown;
  addHook(name: string, hook: (...args: never[]) => unknown): unknown;
}

/**
 * `await app.register(pulse.fastify())`: a callback-style plugin marked as fastify-plugin marks
 * its plugins, so its hooks apply to the whole app rather than to a child scope.
 */
export interface PulseFastifyPlugin {
  (instance: FastifyInstanceLike, options: unknown, done: Done): void;
  readonly [key: symbol]: unknown;
}
