const fp = require('fastify-plugin');

// Shared with the whole app (fastify-plugin): a hook every route runs.
module.exports = fp(async function audit(fastify) {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-audited', '1');
  });
});
