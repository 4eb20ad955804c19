// Fastify suite, variant 3: Pulse, `await app.register(pulse.fastify())` first, as docs/frameworks.md has it.
import Fastify from 'fastify';
import { createPulse } from '@pulse-apm/exporter';
import { addFastifyRoutes, serveFastify } from './fastify-common.mjs';

const pulse = createPulse({ serviceName: 'bench' });
const app = Fastify();
await app.register(pulse.fastify());
await addFastifyRoutes(app);
await serveFastify(app, { metricsPath: '/metrics' });
