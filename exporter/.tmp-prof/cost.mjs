import { createPulse } from '../dist/index.js';
import http from 'node:http';
const mode = process.argv[2];
let srv;
let url;
if (mode === 'on') url = 'http://127.0.0.1:39123';
const pulse = createPulse({ serviceName: 'cost', metrics: { defaultMetrics: false }, runtime: { enabled: false }, health: { enabled: false }, logs: url ? { loki: { url }, signals: [] } : {}, errors: { maxEventsPerSecond: 1e6 } });
await new Promise((r) => setTimeout(r, 1000));
const c0 = process.cpuUsage(); const t0 = performance.now(); const m0 = performance.eventLoopUtilization(); const w0 = globalThis.__pulseStream?.worker.performance.eventLoopUtilization();
// 300 errors/s for 5 s, like the benchmark's error rate.
for (let i = 0; i < Number(process.env.N ?? 1500); i++) {
  pulse.captureException(Object.assign(new Error(`user ${i} could not be loaded`), { status: 500 }));
  if (i % 30 === 29) await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 1500));
const c = process.cpuUsage(c0); const m1 = performance.eventLoopUtilization(m0); const w1 = w0 && globalThis.__pulseStream.worker.performance.eventLoopUtilization(w0); process.stderr.write(`main active ${m1.active.toFixed(0)} ms, worker active ${w1 ? w1.active.toFixed(0) : '-'} ms\n`);
process.stderr.write(`${mode}: ${((c.user + c.system) / 1000).toFixed(0)} ms CPU for 1500 errors over ${((performance.now() - t0) / 1000).toFixed(1)} s => ${((c.user + c.system) / Number(process.env.N ?? 1500)).toFixed(0)} us/error\n`);
await pulse.shutdown();
srv?.close();
