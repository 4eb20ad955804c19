/**
 * SIGTERM with `health.drainOnSignals`: readiness answers 503 for `drainDelay`, then the process
 * still ends by SIGTERM, as it would without Pulse. Without the option nothing changes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const exporterDir = path.join(__dirname, '..', '..');

function startApp(health: object): Promise<{ port: number; child: ReturnType<typeof spawn> }> {
  const script = `
    import express from 'express';
    import { createPulse } from ${JSON.stringify(path.join(exporterDir, 'src', 'index.ts'))};
    const pulse = createPulse({ serviceName: 'drain-test', metrics: { defaultMetrics: false }, health: ${JSON.stringify(health)} });
    pulse.health.add({ name: 'db', check: () => true });
    const app = express();
    app.use(pulse.middleware());
    pulse.mount(app);
    await pulse.health.run();
    const server = app.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: exporterDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`app exited early (${code}): ${err}`)));
  });
}

const exited = (child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: string | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

test('opted in: ready turns 503 on SIGTERM, the process holds for drainDelay, then dies by SIGTERM', async () => {
  const { port, child } = await startApp({ drainOnSignals: ['SIGTERM'], drainDelay: 800 });
  const exit = exited(child);
  const ready = (): Promise<number> => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status);
  expect(await ready()).toBe(200);
  const started = Date.now();
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 150));
  expect(await ready()).toBe(503);
  const { code, signal } = await exit;
  expect(signal).toBe('SIGTERM');
  expect(code).toBeNull();
  expect(Date.now() - started).toBeGreaterThanOrEqual(750);
});

test('not opted in: SIGTERM ends the process at once, as without Pulse', async () => {
  const { child } = await startApp({ drainDelay: 5000 });
  const exit = exited(child);
  const started = Date.now();
  child.kill('SIGTERM');
  const { signal } = await exit;
  expect(signal).toBe('SIGTERM');
  expect(Date.now() - started).toBeLessThan(2000);
});
