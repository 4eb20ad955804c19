const { createPulse } = require('@pulse-apm/exporter');

// Events go to LOKI_URL when the test gives one; every query is a "slow" one so each is shipped.
const pulse = createPulse({
  serviceName: 'koa-app',
  db: { slowQueries: { thresholdMs: 0 } },
  logs: process.env.LOKI_URL ? { loki: { url: process.env.LOKI_URL, batchIntervalMs: 50 } } : {},
});
module.exports = { pulse };
