// Fastify suite, variant 3: Pulse, `await app.register(pulse.fastify())`, as the quick start has it.
import Fastify from 'fastify';
import { createPulse } from '@pulse-apm/exporter';
import { addFastifyRoutes, serveFastify } from './fastify-common.mjs';

const pulse = createPulse({ serviceName: 'bench' });
const app = Fastify();
// The app's routes first: it has its own GET /health, which Pulse's plugin then leaves to it
// (Fastify refuses a second route on one path; routes registered earlier are measured the same).
await addFastifyRoutes(app);
await app.register(pulse.fastify());
await serveFastify(app, { metricsPath: '/metrics' });
