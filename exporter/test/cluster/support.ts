import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from '../support/free-port';

// Starts test/cluster/fixtures/primary.mjs (a node:cluster app of the built package) and talks to
// it: commands on its stdin, a fresh connection per scrape so scrapes land on different workers.

export const FIXTURES = join(__dirname, 'fixtures');

export interface ClusterApp {
  port: number;
  baseUrl: string;
  /** The cluster's private folder (passed as `cluster.directory`). */
  dir: string;
  output: string[];
  /** `block <worker> <ms>`, `sigkill <worker>`, `throw <worker>`. */
  command(line: string): void;
  /** Resolves when the primary has printed `count` lines starting with `prefix` (in all). */
  waitForLines(prefix: string, count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startClusterApp(opts: { workers: number; env?: Record<string, string> }): Promise<ClusterApp> {
  const port = await getFreePort();
  // A short folder of our own: unix socket paths are limited to ~107 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'pc-'));
  rmSync(dir, { recursive: true }); // Pulse creates it with mode 0700
  const child: ChildProcess = spawn(process.execPath, [join(FIXTURES, 'primary.mjs')], {
    env: {
      ...process.env,
      PORT: String(port),
      WORKERS: String(opts.workers),
      PULSE_CLUSTER_DIR: dir,
      ...opts.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let partial = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    output.push(...lines);
    for (const w of waiters.splice(0)) w();
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const app: ClusterApp = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    dir,
    output,
    command: (line) => void child.stdin!.write(line + '\n'),
    waitForLines(prefix, count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no ${count}× "${prefix}" from the primary; stdout:\n${output.join('\n')}\nstderr:\n${stderr}`),
            ),
          timeoutMs,
        );
        const check = (): void => {
          const found = output.filter((l) => l.startsWith(prefix));
          if (found.length >= count) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        check();
      });
    },
    async stop() {
      child.stdin!.end(); // the primary SIGKILLs its workers and exits
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await app.waitForLines('READY', 1);
  return app;
}

export interface Scrape {
  worker: string;
  status: number;
  text: string;
}

/** GET on a new connection (no keep-alive): node:cluster hands each one to the next worker. */
export function getFresh(url: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ worker: String(res.headers['x-worker']), status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

/** The sum of every sample of `name` whose labels contain each of `having` (`a="b"` pairs). */
export function sumOf(text: string, name: string, having: string[] = []): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!(line.startsWith(name + '{') || line.startsWith(name + ' '))) continue;
    const labelsEnd = line.indexOf('}');
    const labels = labelsEnd === -1 ? '' : line.slice(name.length, labelsEnd + 1);
    if (!having.every((pair) => labels.includes(pair))) continue;
    const rest = line.slice(labelsEnd === -1 ? name.length : labelsEnd + 1).trim();
    total += Number(rest.split(' ')[0]);
  }
  return total;
}

/** Every sample line of `name` (with its labels). */
export const samplesOf = (text: string, name: string): string[] =>
  text.split('\n').filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '));
