// Variant 5: Pulse (workspace package @pulse-apm/exporter, built into exporter/dist).
import express from 'express';
import { createPulse } from '@pulse-apm/exporter';
import { addRoutes, serve } from './common.mjs';

const app = express();
const httpOnly = process.env.BENCH_PULSE_HTTP_ONLY === '1';
const pulse = createPulse({
  serviceName: 'bench',
  ...(httpOnly ? { runtime: { enabled: false }, metrics: { defaultMetrics: false }, deps: { enabled: false } } : {}),
});
app.use(pulse.middleware());
addRoutes(app, express);
pulse.mount(app);
await serve(app, { metricsPath: '/metrics' });
