/**
 * The service's version on what marks a deploy: the lifecycle start and stop events in Loki and
 * pulse_runtime_info's `service_version` label. From the option; from SERVICE_VERSION; and, for an
 * app built into dist/ and started as `node dist/server.js` (test/logs/fixtures/versioned-app), from
 * the app's package.json. Absent, not invented, when nothing gives one.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { pulseShippingTo } from './helpers';

let loki: LokiReceiver;
let savedEnv: string | undefined;
beforeEach(async () => {
  loki = await startLokiReceiver();
  savedEnv = process.env.SERVICE_VERSION;
  delete process.env.SERVICE_VERSION;
});
afterEach(async () => {
  await loki.stop();
  if (savedEnv !== undefined) process.env.SERVICE_VERSION = savedEnv;
});

const lifecycle = () => loki.events().filter((e) => e.labels.event_kind === 'lifecycle');
const runtimeInfo = (text: string) => text.split('\n').find((l) => l.startsWith('pulse_runtime_info{'));

test('serviceVersion is on the start and stop events and on pulse_runtime_info', async () => {
  const pulse = pulseShippingTo(loki, {
    serviceVersion: '1.4.2+g7f3a9c1',
    runtime: { enabled: true },
    logs: { lifecycleEvents: true },
  });
  const info = runtimeInfo(await pulse.renderMetrics());
  await pulse.shutdown();

  expect(info).toContain('service_version="1.4.2+g7f3a9c1"');
  expect(lifecycle().map((e) => [e.metadata.lifecycle_phase, e.json.service_version])).toEqual([
    ['start', '1.4.2+g7f3a9c1'],
    ['stop', '1.4.2+g7f3a9c1'],
  ]);
});

test('without a version (jest under node_modules is the main script) the field and the label are absent', async () => {
  const pulse = pulseShippingTo(loki, { runtime: { enabled: true }, logs: { lifecycleEvents: true } });
  const info = runtimeInfo(await pulse.renderMetrics());
  await pulse.shutdown();

  expect(info).toMatch(/service_instance_id=/);
  expect(info).not.toMatch(/service_version="[^"]/);
  const [start] = lifecycle();
  expect(start!.metadata.lifecycle_phase).toBe('start');
  expect(start!.json).not.toHaveProperty('service_version');
});

const appDir = join(__dirname, 'fixtures', 'versioned-app');

function runVersionedApp(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: appDir,
      env: { ...process.env, LOKI_URL: loki.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("an app started as `node dist/server.js` reports its package.json's version", async () => {
  const { code, stdout, stderr } = await runVersionedApp({});
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain('service_version="3.7.1"');
  expect(lifecycle().map((e) => [e.metadata.lifecycle_phase, e.json.service_version])).toEqual([
    ['start', '3.7.1'],
    ['stop', '3.7.1'],
  ]);
}, 30_000);

test('SERVICE_VERSION (a deploy pipeline sets it) wins over package.json', async () => {
  const { code, stdout } = await runVersionedApp({ SERVICE_VERSION: '2026.12.06-7f3a9c1' });
  expect(code).toBe(0);
  expect(stdout).toContain('service_version="2026.12.06-7f3a9c1"');
  expect(lifecycle()[0]!.json.service_version).toBe('2026.12.06-7f3a9c1');
}, 30_000);
