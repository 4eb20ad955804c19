// The Fastify suite's application, identical in every variant: GET /api/users/:id in a plugin
// registered with the /api prefix (as Fastify apps are laid out), plus GET /health.
import { serve } from './common.mjs';

export async function addFastifyRoutes(app) {
  await app.register(
    async (api) => {
      api.get('/users/:id', async (request) => {
        const id = Number(request.params.id);
        return { id, name: `user-${id}`, email: `user${id}@example.test`, active: id % 2 === 0 };
      });
    },
    { prefix: '/api' },
  );
  app.get('/health', async () => ({ status: 'ok' }));
}

/** Fastify routes from the server it created: the harness listens on that server. */
export async function serveFastify(app, metrics = {}) {
  await app.ready();
  return serve({ listen: (port, host, cb) => app.server.listen(port, host, cb) }, metrics);
}
