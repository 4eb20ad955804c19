export default async function admin(fastify) {
  fastify.route({
    method: 'GET',
    url: '/users/:userId',
    handler: async (request) => ({ user: request.params.userId }),
  });
}
