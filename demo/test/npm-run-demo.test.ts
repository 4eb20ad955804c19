import { spawn } from 'node:child_process';
import path from 'node:path';
import { get, parseSamples } from './metrics-text';
import { missingSignals } from './signals';

// `npm run demo` as a user runs it (tsx src/main.ts, embedded PGlite, payments and traffic in
// process): every signal in /metrics within a minute, and SIGTERM ends the process by itself
// (main.ts does not call process.exit() on success, so a leaked handle would hold it: exit 1).

const demoDir = path.resolve(__dirname, '..');
const tsx = path.resolve(demoDir, '../node_modules/.bin/tsx');

it('serves every signal within a minute of starting and exits cleanly on SIGTERM', async () => {
  const started = Date.now();
  const child = spawn(tsx, ['src/main.ts'], {
    cwd: demoDir,
    env: {
      ...process.env,
      PORT: '0',
      PAYMENTS_PORT: '0',
      DATABASE_URL: '',
      PAYMENTS_URL: '',
      LOKI_URL: '',
      DEMO_TRAFFIC: 'on',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let metricsUrl: string | undefined;
    while (!metricsUrl) {
      metricsUrl = /metrics\s+(http:\/\/\S+\/metrics)/.exec(stderr)?.[1];
      if (Date.now() - started > 40_000) throw new Error(`demo not ready after 40 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = Date.now() - started;
    let missing: string[] = ['(not scraped yet)'];
    while (missing.length > 0 && Date.now() - started < 60_000) {
      missing = missingSignals(parseSamples((await get(metricsUrl)).body));
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 500));
    }
    const allSignalsMs = Date.now() - started;
    console.log(`npm run demo: ready after ${readyMs} ms, every signal after ${allSignalsMs} ms`);
    expect(missing).toEqual([]);
    expect(allSignalsMs).toBeLessThan(60_000);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
  if (code === 'timeout') child.kill('SIGKILL');
  expect({ code, stderr: code === 0 ? '' : stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
}, 90_000);
