// Fastify suite, variant 2: fastify-metrics (route histogram and summary, its defaults) on /metrics.
import Fastify from 'fastify';
import metricsPlugin from 'fastify-metrics';
import { addFastifyRoutes, serveFastify } from './fastify-common.mjs';

const app = Fastify();
await app.register(metricsPlugin, { endpoint: '/metrics' });
await addFastifyRoutes(app);
await serveFastify(app, { metricsPath: '/metrics' });
