import fp from 'fastify-plugin';

// Shared with the whole app (fastify-plugin): a hook every route runs.
export default fp(async function audit(fastify) {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-audited', '1');
  });
});
