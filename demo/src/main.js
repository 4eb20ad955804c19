import { createPulse } from '@pulse-apm/exporter';
import { createApp } from './app.js';
import { startTraffic } from './traffic.js';

const port = Number(process.env.PORT ?? 3000);
const pulse = createPulse({ serviceName: 'pulse-demo', env: 'demo' });
const app = createApp(pulse);

const server = app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${port}`;
  console.log(`Pulse demo listening on ${base}`);
  console.log(`  metrics: ${base}/metrics`);
  console.log(`  try:     ${base}/api/v1/users/1`);
  const stopTraffic = process.env.DEMO_TRAFFIC === 'off' ? () => undefined : startTraffic(base);
  const stop = async () => {
    stopTraffic();
    server.close();
    await pulse.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
