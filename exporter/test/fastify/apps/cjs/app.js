// The CommonJS twin of ../esm/app.js: a Fastify app as its docs lay one out: plugins and route files registered with prefixes.
const Fastify = require('fastify');
const { createPulse } = require('@pulse-apm/exporter');
const audit = require('./plugins/audit.js');
const items = require('./routes/items.js');
const admin = require('./routes/admin.js');

async function main() {
  const pulse = createPulse({ serviceName: 'fastify-layout-app' });
  const app = Fastify();
  await app.register(pulse.fastify());
  await app.register(audit);
  await app.register(items, { prefix: '/api/items' });
  await app.register(admin, { prefix: '/admin' });
  app.route({ method: 'GET', url: '/status', constraints: { version: '1.0.0' }, handler: async () => ({ v: 1 }) });
  app.route({ method: 'GET', url: '/status', constraints: { version: '2.0.0' }, handler: async () => ({ v: 2 }) });

  await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
  console.log(`listening on ${app.server.address().port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
