import pino from 'pino';
const mode = process.argv[2];
const dest = mode === 'ts' ? pino.transport({ target: new URL('./noop-target.mjs', import.meta.url).pathname }) : pino.destination({ dest: '/dev/null', sync: true });
const log = pino({ base: null }, dest);
await new Promise((r) => setTimeout(r, 1000));
const c0 = process.cpuUsage();
const line = { msg: 'x'.repeat(600) };
for (let i = 0; i < 1500; i++) {
  log.error(line, 'error event');
  if (i % 30 === 29) await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 500));
const c = process.cpuUsage(c0);
process.stderr.write(`${mode}: ${((c.user + c.system) / 1000).toFixed(0)} ms CPU\n`);
process.exit(0);
