// The realistic request's server, bare (BENCH_VARIANT=bare) or with Pulse and every signal of the
// request path on (BENCH_VARIANT=pulse): HTTP, database (pg), outgoing calls (fetch), errors
// shipped to a Loki-compatible receiver, runtime and default metrics as in the quick start.
import express from 'express';
import pg from 'pg';
import { serve } from '../http-overhead/servers/common.mjs';
import { createPool, ordersRouter, finalErrorHandler } from './app.mjs';

const variant = process.env.BENCH_VARIANT;
const stubUrl = process.env.BENCH_STUB_URL;
const lokiUrl = process.env.BENCH_LOKI_URL;
if (!stubUrl || !lokiUrl || !['bare', 'pulse'].includes(variant))
  throw new Error('BENCH_VARIANT (bare|pulse), BENCH_STUB_URL and BENCH_LOKI_URL are required');

let pulse = null;
if (variant === 'pulse') {
  const { createPulse } = await import('@pulse-apm/exporter');
  pulse = createPulse({
    serviceName: 'bench-realistic',
    db: { pg },
    logs: { loki: { url: lokiUrl } },
  });
}

const pool = createPool();
await pool.query('SELECT 1'); // fail at start, not in the measured window, when PostgreSQL is away
const app = express();
if (pulse) app.use(pulse.middleware());
app.use('/api', ordersRouter(express, { pool, stubUrl }));
app.get('/health', (req, res) => res.json({ status: 'ok' }));
if (pulse) app.use(pulse.errorHandler());
app.use(finalErrorHandler);
if (pulse) pulse.mount(app);
await serve(app, pulse ? { metricsPath: '/metrics' } : {});
