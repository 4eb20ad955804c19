// An ESM Express app (argv[2]: `express` for Express 4, `express5` for 5) with its routers in
// their own modules; its error handler answers with the error's name, message and stack. With
// LOKI_URL set, Pulse (the built package) measures it and ships its errors there.
import { fileURLToPath } from 'node:url';
import collectStacks from '../collect-stacks.cjs';
import orders from './routes/orders.mjs';
import users from './routes/users.mjs';

const { default: express } = await import(process.argv[2]);
const pulse = process.env.LOKI_URL
  ? (await import('../../../../dist/index.js')).createPulse({
      serviceName: 'fingerprint-fixture',
      env: 'test',
      metrics: { defaultMetrics: false },
      runtime: { enabled: false },
      health: { enabled: false },
      logs: { loki: { url: process.env.LOKI_URL, batchIntervalMs: 50 } },
      errors: { appRoot: fileURLToPath(new URL('.', import.meta.url)) },
    })
  : undefined;

const express5 = process.argv[2] === 'express5';
const app = express();
if (pulse) app.use(pulse.middleware());
app.use('/users', users(express.Router(), { express5 }));
app.use('/orders', orders(express.Router(), { express5 }));
if (pulse) app.use(pulse.errorHandler());
app.use((err, _req, res, _next) => res.status(500).json({ name: err.name, message: err.message, stack: err.stack }));
collectStacks(app, { express5, done: () => pulse?.shutdown() });
