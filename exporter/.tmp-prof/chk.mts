import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { startLokiReceiver } from '/work/main/exporter/test/support/loki-receiver.ts';
for (const [when, flush] of [['sync', 0], ['sync', 1000], ['later', 0], ['later', 1000]] as const) {
  const crash = when === 'sync' ? "throw new Error('crash')" : "setTimeout(() => { throw new Error('crash') }, 300)";
  writeFileSync('/work/main/exporter/test/logs/fixtures/tmp-chk.mjs', `import { createPulse } from '../../../dist/index.js';
const pulse = createPulse({ serviceName: 'c', metrics: { defaultMetrics: false }, runtime: { enabled: false }, health: { enabled: false }, logs: { loki: { url: process.env.LOKI_URL }, exitFlushTimeoutMs: ${flush} }, errors: { captureUncaught: true } });
${crash};`);
  const loki = await startLokiReceiver();
  const t = Date.now();
  const code = await new Promise((res) => spawn(process.execPath, ['/work/main/exporter/test/logs/fixtures/tmp-chk.mjs'], { env: { ...process.env, LOKI_URL: loki.url } }).on('exit', res));
  const took = Date.now() - t;
  await new Promise((r) => setTimeout(r, 300));
  console.log(when, 'exitFlush', flush, 'exit', code, 'took', took, 'ms; kinds:', loki.entries().map((e) => e.labels.event_kind).join(','));
  await loki.stop();
}
