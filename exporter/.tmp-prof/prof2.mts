import { createPulse } from '/work/main/exporter/src/pulse.ts';
import { Registry } from 'prom-client';
class OrderNotFound extends Error { override name = 'OrderNotFound'; }
const pulse = createPulse({ serviceName: 'p', metrics: { defaultMetrics: false, registry: new Registry() }, runtime: { enabled: false }, health: { enabled: false }, logs: { signals: [], loki: { url: 'http://127.0.0.1:1', bufferMaxBytes: 1 << 20, batchMaxBytes: 1 << 18 } }, errors: { maxEventsPerSecond: 1e6 } });
await new Promise((r) => setTimeout(r, 1500));
for (const round of [1, 2, 3]) {
  const N = 10000;
  const errs = Array.from({ length: N }, (_, i) => new OrderNotFound(`order ${i} not found for customer c-${i % 977}`));
  const t = performance.now();
  for (let i = 0; i < N; i++) pulse.captureException(errs[i], { tags: { tick: i } });
  console.log('capture', ((performance.now() - t) * 1000 / N).toFixed(2), 'us/error');
  await new Promise((r) => setTimeout(r, 500));
}
const t2 = performance.now();
for (let i = 0; i < 10000; i++) pulse.logger.info({ i }, 'hello');
console.log('logger.info', ((performance.now() - t2) * 1000 / 10000).toFixed(2), 'us/line');
const p3 = createPulse({ serviceName: 'p', metrics: { defaultMetrics: false, registry: new Registry() }, runtime: { enabled: false }, health: { enabled: false }, logs: { signals: [], loki: { url: 'http://127.0.0.1:1' } } });
const t3 = performance.now();
for (let i = 0; i < 10000; i++) p3.captureException(new OrderNotFound(`order ${i} not found`));
console.log('default budget capture incl new Error', ((performance.now() - t3) * 1000 / 10000).toFixed(2), 'us/error');
process.exit(0);
