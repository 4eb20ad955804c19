// Fastify suite, variant 1: bare Fastify 5, no instrumentation (the baseline).
import Fastify from 'fastify';
import { addFastifyRoutes, serveFastify } from './fastify-common.mjs';

const app = Fastify();
await addFastifyRoutes(app);
await serveFastify(app);
