// A user's app as a service manager starts it: `node /srv/shop/releases/<n>/server.mjs`, from
// whatever working directory the manager uses (systemd's default is `/`). No errors.appRoot.
import express from 'express';
import { createPulse } from '@pulse-apm/exporter';
import { orders } from './routes/orders.mjs';

const pulse = createPulse({
  serviceName: 'deployed-shop',
  metrics: { defaultMetrics: false },
  runtime: { enabled: false },
  health: { enabled: false },
  logs: { loki: { url: process.env.LOKI_URL, batchIntervalMs: 50 }, lifecycleEvents: false },
});
const app = express();
app.use(pulse.middleware());
app.use('/orders', orders);
app.use(pulse.errorHandler());
app.use((_err, _req, res, _next) => res.status(500).end());
const server = app.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => pulse.shutdown().finally(() => process.exit(0)));
