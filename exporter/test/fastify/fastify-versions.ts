// The two Fastify majors Pulse supports, for describe.each. Each ships its own types.
import fastify5 from 'fastify';
import fastify4 from 'fastify4';

/** What the tests call: a Fastify factory (4 and 5 differ in types, not in what is used here). */
export type FastifyFactory = typeof fastify5;
export const FASTIFY_VERSIONS: [string, FastifyFactory][] = [
  ['Fastify 4', fastify4 as unknown as FastifyFactory],
  ['Fastify 5', fastify5],
];
