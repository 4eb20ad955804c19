export default async function items(fastify) {
  fastify.get('/', async () => [{ id: 1 }]);
  fastify.get('/:itemId', async (request) => ({ id: request.params.itemId }));
  fastify.post('/', async (request, reply) => reply.code(201).send({ created: request.body.name }));
  fastify.get('/:itemId/fail', async () => {
    throw new Error('stock service down');
  });
  fastify.register(
    async (reviews) => {
      reviews.get('/:reviewId', async (request) => ({ review: request.params.reviewId }));
    },
    { prefix: '/:itemId/reviews' },
  );
}
