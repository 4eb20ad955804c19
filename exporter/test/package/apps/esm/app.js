import express from 'express';
import { createPulse } from '@pulse-apm/exporter';
import { orders } from './routes/orders.js';

const pulse = createPulse({
  serviceName: 'packed-esm',
  logs: process.env.LOKI_URL ? { loki: { url: process.env.LOKI_URL } } : undefined,
});
const app = express();
app.use(pulse.middleware());
app.use('/shops/:shopId/orders', orders);
app.use(pulse.errorHandler());
pulse.mount(app);

const server = app.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => pulse.shutdown().finally(() => process.exit(0)));
