import { createPulse } from '../dist/index.js';
import http from 'node:http';
const mode = process.argv[2];
let srv;
let url;
if (mode === 'on') {
  srv = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(204); res.end(); }); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${srv.address().port}`;
}
const pulse = createPulse({ serviceName: 'cost', metrics: { defaultMetrics: false }, runtime: { enabled: false }, health: { enabled: false }, logs: url ? { loki: { url }, signals: [] } : {}, errors: { maxEventsPerSecond: 1e6 } });
await new Promise((r) => setTimeout(r, Number(process.env.WARM ?? 1000)));
const c0 = process.cpuUsage(); const t0 = performance.now();
// 300 errors/s for 5 s, like the benchmark's error rate.
for (let i = 0; i < Number(process.env.N ?? 1500); i++) {
  pulse.captureException(Object.assign(new Error(`user ${i} could not be loaded`), { status: 500 }));
  if (i % 30 === 29) await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, Number(process.env.WAIT ?? 1500)));
const c = process.cpuUsage(c0);
process.stderr.write(`${mode}: ${((c.user + c.system) / 1000).toFixed(0)} ms CPU for 1500 errors over ${((performance.now() - t0) / 1000).toFixed(1)} s => ${((c.user + c.system) / 1500).toFixed(0)} us/error\n`);
await pulse.shutdown();
srv?.close();
