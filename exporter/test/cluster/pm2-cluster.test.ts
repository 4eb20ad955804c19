/**
 * PM2 cluster mode for real (pm2 from npm, its own PM2_HOME in a temp folder, the daemon killed
 * in afterAll): the primary is PM2's daemon, not app code, and the same worker fixture answers
 * each scrape for both workers. A rolling `pm2 reload` replaces every worker: the sums keep every
 * request and the `worker` label stays 0 and 1 (NODE_APP_INSTANCE).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from '../support/free-port';
import { sendRequests } from '../support/http-load';
import { FIXTURES, getFresh, samplesOf, sumOf } from './support';

const PM2 = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'pm2');
const APP = 'pulse-cluster-fixture';
const COUNT = 'http_server_request_duration_seconds_count';

describe('PM2 cluster mode: one scrape answers for every worker', () => {
  const home = mkdtempSync(join(tmpdir(), 'pm2-'));
  const dirParent = mkdtempSync(join(tmpdir(), 'pc-'));
  const dir = join(dirParent, 'c');
  let port: number;
  let baseUrl: string;

  function pm2(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [PM2, ...args], {
        env: { ...process.env, PM2_HOME: home, PORT: String(port), PULSE_CLUSTER_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`pm2 ${args.join(' ')} exited ${code}:\n${out}`));
      });
    });
  }

  /** Until /health lists `n` workers with these pids changed (after a reload) or any (at start). */
  async function workersUp(n: number, notPids: number[] = []): Promise<number[]> {
    for (let i = 0; i < 100; i++) {
      const res = await getFresh(`${baseUrl}/health`, {}, 2000).catch(() => undefined);
      if (res?.status === 200) {
        const pids = (JSON.parse(res.text) as { workers: { pid: number }[] }).workers.map((w) => w.pid);
        if (pids.length === n && pids.every((p) => !notPids.includes(p))) return pids;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`PM2 workers did not come up:\n${await pm2('jlist')}`);
  }

  async function expectTotals(expected: number): Promise<void> {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const s = await getFresh(`${baseUrl}/metrics`);
      seen.add(s.worker);
      expect([s.worker, sumOf(s.text, COUNT)]).toEqual([s.worker, expected]);
      expect(sumOf(s.text, 'fixture_orders_served_total')).toBe(expected);
      expect(samplesOf(s.text, 'pulse_runtime_info').map((l) => l.slice(l.indexOf('worker="')))).toEqual(
        expect.arrayContaining(['worker="0"} 1', 'worker="1"} 1']),
      );
    }
    expect([...seen].sort()).toEqual(['0', '1']);
  }

  beforeAll(async () => {
    port = await getFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
    await pm2('start', join(FIXTURES, 'worker.cjs'), '-i', '2', '--name', APP, '--kill-timeout', '3000');
    await workersUp(2);
  }, 60_000);

  afterAll(async () => {
    await pm2('kill').catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    rmSync(dirParent, { recursive: true, force: true });
  }, 40_000);

  it('sums 1000 keep-alive requests across both workers on every scrape', async () => {
    const result = await sendRequests({
      baseUrl,
      requests: Array.from({ length: 1000 }, (_, i) => ({ method: 'GET', path: `/orders/${i}` })),
      concurrency: 8,
    });
    expect(result.errors).toBe(0);
    await expectTotals(1000);
    const health = JSON.parse((await getFresh(`${baseUrl}/health`)).text) as { workers: { worker: string }[] };
    expect(health.workers.map((w) => w.worker)).toEqual(['0', '1']);
  });

  it('keeps every request through a rolling pm2 reload (new processes, same worker numbers)', async () => {
    const before = await workersUp(2);
    await pm2('reload', APP);
    await workersUp(2, before);
    await expectTotals(1000);
    const result = await sendRequests({
      baseUrl,
      requests: Array.from({ length: 400 }, (_, i) => ({ method: 'GET', path: `/orders/${i}` })),
      concurrency: 8,
    });
    expect(result.errors).toBe(0);
    await expectTotals(1400);
  }, 90_000);
});
