import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseSamples } from '../support/app';

// Runs a user's app (files copied from a fixture folder into a fresh directory of its own, with
// its own node_modules) as a child process with plain Node, the way users run it.

export const repoRoot = join(__dirname, '..', '..', '..');
export const workspaceModules = join(repoRoot, 'node_modules');

/** A fresh app directory outside the repository: fixture files copied in, packages linked. */
export function makeAppDir(fixture: string, packages: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-app-'));
  cpSync(fixture, dir, { recursive: true });
  for (const [name, target] of Object.entries(packages)) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(target), link, 'dir');
  }
  return dir;
}

export function removeAppDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface ChildApp {
  /** `http://127.0.0.1:<port>` of the app, from the `listening on <port>` line it prints. */
  readonly baseUrl: string;
  /** Where its /metrics is: the app's port, or the one a `metrics on <port>` line named. */
  readonly metricsUrl: string;
  stderr(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  nodeArgs?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** Starts `node [nodeArgs] <dir>/<file>` with PORT=0 and waits for the ports it prints. */
export function startApp(dir: string, file: string, options: StartOptions = {}): Promise<ChildApp> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(dir, file)], {
    cwd: options.cwd ?? dir,
    // NODE_ENV=test: Express prints no stack for errors it answers, so stderr holds only warnings.
    env: { ...process.env, NODE_ENV: 'test', PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<ChildApp>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('app did not print its port within 20 s')), 20_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const onEarlyExit = (code: number | null): void => fail(new Error(`app exited with ${code}`));
    child.once('exit', onEarlyExit);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const app = /listening on (\d+)/.exec(stdout);
      if (app === null) return;
      const metrics = /metrics on (\d+)/.exec(stdout); // printed first by apps that have one
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      resolve({
        baseUrl: `http://127.0.0.1:${app[1]}`,
        metricsUrl: `http://127.0.0.1:${metrics?.[1] ?? app[1]}/metrics`,
        stderr: () => stderr,
        async stop() {
          child.kill();
          await exited;
        },
      });
    });
  });
}

/** `METHOD route status` -> count, for every series of the request duration histogram. */
export function requestCounts(exposition: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of parseSamples(exposition)) {
    if (s.name !== 'http_server_request_duration_seconds_count') continue;
    const key = `${s.labels.http_request_method} ${s.labels.http_route} ${s.labels.http_response_status_code}`;
    counts[key] = (counts[key] ?? 0) + s.value;
  }
  return counts;
}

/** Sends requests one after another, reading each body; returns their statuses. */
export async function send(baseUrl: string, requests: [method: string, path: string][]): Promise<number[]> {
  const statuses: number[] = [];
  for (const [method, path] of requests) {
    const res = await fetch(baseUrl + path, { method });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

/** The app's /metrics once the last response has been recorded ('close' comes a tick after the end). */
export async function scrape(metricsUrl: string): Promise<string> {
  await new Promise((r) => setTimeout(r, 50));
  const res = await fetch(metricsUrl);
  return res.text();
}
