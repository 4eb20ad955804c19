// The HTTP benchmark's app (bench/http-overhead) under Pulse, with an error on 10% of requests
// (ids divisible by 10) going through pulse.errorHandler(). LOKI_URL set: events and errors are
// shipped to Loki; unset: shipping is off (JSON lines on stdout, which the orchestrator discards).
import express from 'express';
import { createPulse } from '@pulse-apm/exporter';
import { serve } from '../http-overhead/servers/common.mjs';

const lokiUrl = process.env.LOKI_URL;
const pulse = createPulse({
  serviceName: 'bench',
  logs: lokiUrl ? { loki: { url: lokiUrl }, signals: [] } : {},
  // Pulse's default caps error events at 200/s (the rest are counted, not shipped); BENCH_MAX_EVENTS
  // raises the cap to measure shipping every error.
  errors: process.env.BENCH_MAX_EVENTS ? { maxEventsPerSecond: Number(process.env.BENCH_MAX_EVENTS) } : {},
});

const app = express();
app.use(pulse.middleware());
const api = express.Router();
api.get('/users/:id', (req, res, next) => {
  const id = Number(req.params.id);
  if (id % 10 === 0) return next(Object.assign(new Error(`user ${id} could not be loaded`), { status: 500 }));
  res.json({ id, name: `user-${id}`, email: `user${id}@example.test`, active: id % 2 === 0 });
});
app.use('/api', api);
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
pulse.mount(app);
app.use(pulse.errorHandler());
app.use((err, _req, res, _next) => res.status(err.status ?? 500).json({ error: 'internal' }));

process.on('message', (m) => {
  if (m?.cmd === 'delivery') process.send({ type: 'delivery', id: m.id, status: pulse.logDelivery() ?? null });
});
await serve(app, { metricsPath: '/metrics' });
