import { createPulse } from '@pulse-apm/exporter';

// Events go to LOKI_URL when the test gives one; every query is a "slow" one so each is shipped.
export const pulse = createPulse({
  serviceName: 'koa-app',
  db: { slowQueries: { thresholdMs: 0 } },
  logs: process.env.LOKI_URL ? { loki: { url: process.env.LOKI_URL, batchIntervalMs: 50 } } : {},
});
