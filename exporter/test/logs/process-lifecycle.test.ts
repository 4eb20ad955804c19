/**
 * What only a whole process shows, with the built package (test/logs/fixtures/process-app.mjs):
 * crash capture leaves Node's behaviour unchanged (exit code, printed error) yet the crash and a
 * `lifecycle` stop with reason `crash` reach Loki; SIGTERM is recorded and the process still
 * dies of it; an app's own SIGTERM handler keeps control; process.exit() does not lose the last
 * events; without Loki, events are JSON lines on stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';

const exporterDir = join(__dirname, '..', '..');
const fixture = join(__dirname, 'fixtures', 'process-app.mjs');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(scenario: string, lokiUrl: string | undefined, onReady?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.LOKI_URL;
    if (lokiUrl !== undefined) env.LOKI_URL = lokiUrl;
    const child = spawn(process.execPath, [fixture, scenario], {
      cwd: exporterDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (onReady !== undefined && stdout.includes('READY\n')) {
        const cb = onReady;
        onReady = undefined;
        cb(child.pid!);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

let loki: LokiReceiver;
beforeAll(() => {
  if (
    !existsSync(join(exporterDir, 'dist', 'index.js')) ||
    !existsSync(join(exporterDir, 'dist', 'logs', 'loki-worker.js'))
  ) {
    throw new Error('exporter/dist is missing: build it first (npm run build -w exporter; `npm test` does)');
  }
});
beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await loki.stop();
});

const lifecycle = () => loki.events().filter((e) => e.labels.event_kind === 'lifecycle');
const errors = () => loki.events().filter((e) => e.labels.event_kind === 'error');

test('an uncaught exception still crashes the process as Node would, and the crash reaches Loki', async () => {
  const result = await run('uncaught', loki.url);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Error: fatal: ledger 42 out of balance');
  const [crash] = errors();
  expect(crash?.json).toMatchObject({
    msg: 'fatal: ledger 42 out of balance',
    origin: 'uncaughtException',
    handled: false,
  });
  expect(lifecycle().map((e) => [e.metadata.lifecycle_phase, e.metadata.lifecycle_reason])).toEqual([
    ['start', undefined],
    ['stop', 'crash'],
  ]);
  expect(lifecycle()[1]!.labels.level).toBe('error');
  expect(loki.events().some((e) => e.json.event_type === 'before-crash')).toBe(true);
});

test('an unhandled rejection still ends the process (exit 1), and is captured', async () => {
  const result = await run('rejection', loki.url);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('nobody awaited order 7');
  expect(errors()[0]?.json).toMatchObject({
    msg: 'nobody awaited order 7',
    origin: 'unhandledRejection',
    handled: false,
  });
  expect(lifecycle().at(-1)?.metadata.lifecycle_reason).toBe('crash');
});

test('process.exit() right after an error keeps its exit code and still delivers the error', async () => {
  const result = await run('exit', loki.url);
  expect(result.code).toBe(3);
  expect(errors()[0]?.json.msg).toBe('config 9 invalid, exiting');
});

test('SIGTERM is recorded as a graceful stop, and the process still ends by the signal', async () => {
  const result = await run('sigterm', loki.url, (pid) => {
    setTimeout(() => process.kill(pid, 'SIGTERM'), 100);
  });
  expect(result.signal).toBe('SIGTERM');
  expect(result.code).toBeNull();
  const stop = lifecycle().find((e) => e.metadata.lifecycle_phase === 'stop');
  expect(stop?.metadata).toMatchObject({
    lifecycle_reason: 'SIGTERM',
    service_instance_id: expect.stringMatching(/:\d+$/),
  });
  expect(loki.events().filter((e) => e.json.event_type === 'tick').length).toBeGreaterThan(3);
});

test("an app's own SIGTERM handler keeps control; the stop is recorded once, with its reason", async () => {
  const result = await run('sigterm-app-handler', loki.url, (pid) => process.kill(pid, 'SIGTERM'));
  expect(result.code).toBe(0);
  expect(result.signal).toBeNull();
  const stops = lifecycle().filter((e) => e.metadata.lifecycle_phase === 'stop');
  expect(stops.map((e) => e.metadata.lifecycle_reason)).toEqual(['SIGTERM']);
});

test('without Loki, events and logs are JSON lines on stdout', async () => {
  const result = await run('stdout', undefined);
  expect(result.code).toBe(0);
  const lines = result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.find((l) => l.msg === 'plain log line')).toMatchObject({
    level: 'info',
    service_name: 'fixture-stdout',
    env: 'test',
    order: 1,
  });
  expect(lines.find((l) => l.event_kind === 'error')).toMatchObject({
    msg: 'stdout error 5',
    level: 'error',
    service_name: 'fixture-stdout',
    error_type: 'internal',
  });
  expect(lines.some((l) => l.event_kind === 'lifecycle')).toBe(false); // lifecycle events are for Loki
});
