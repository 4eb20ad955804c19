import type { PulseCore } from '../core';
import type { FastifyPluginParts } from './plugin';
import { createFastifyPlugin } from './plugin';
import type { PulseFastifyPlugin } from './types';

// Fastify (4.10+ and 5): `await app.register(pulse.fastify())`, before the app's routes and
// plugins. Pulse never imports Fastify, so apps without it load nothing of it.

export type { FastifyInstanceLike, FastifyReplyLike, FastifyRequestLike, PulseFastifyPlugin } from './types';

/** The plugin, built on first use: one per Pulse instance, registrable on several apps. */
export function createFastifySignal(core: PulseCore, parts: FastifyPluginParts): { plugin(): PulseFastifyPlugin } {
  let plugin: PulseFastifyPlugin | undefined;
  return {
    plugin() {
      plugin ??= createFastifyPlugin(core, parts);
      return plugin;
    },
  };
}
