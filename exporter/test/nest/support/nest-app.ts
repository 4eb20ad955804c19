import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getFreePort } from '../../support/free-port';
import { sleep } from '../../support/app';

// The fixture Nest app (test/nest/app) as its users build and run it: `tsc` with the app's own
// tsconfig (decorators, metadata), then `node dist/main.js` in a child process, resolving
// @nestjs/*, pg and @pulse-apm/exporter (the built package, dist/) from the repository's
// node_modules like an installed app. ES modules as `nest new` writes them (Nest 12), or
// CommonJS as an app created before it compiles.

const run = promisify(execFile);
export const repoRoot = join(__dirname, '..', '..', '..', '..');
const appDir = join(__dirname, '..', 'app');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

export type ModuleFormat = 'esm' | 'cjs';

/** Compiles the fixture app into a fresh folder under .tmp/ and returns it. */
export async function buildNestApp(format: ModuleFormat): Promise<string> {
  if (!existsSync(join(repoRoot, 'exporter', 'dist', 'index.cjs'))) {
    throw new Error('exporter/dist is missing: run `npm run build -w exporter` first (npm test does)');
  }
  const outDir = join(repoRoot, '.tmp', `nest-app-${format}-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const args = [tsc, '-p', join(appDir, 'tsconfig.json'), '--outDir', outDir];
  if (format === 'cjs') args.push('--module', 'commonjs', '--moduleResolution', 'node10');
  await run(process.execPath, args, { cwd: appDir });
  writeFileSync(
    join(outDir, 'package.json'),
    JSON.stringify({ private: true, type: format === 'esm' ? 'module' : 'commonjs' }),
  );
  return outDir;
}

/** A Pulse event as its stdout line (pino): `event_kind`, `http_route`, `trace_id`, `msg`, … */
export interface PulseEventLine {
  event_kind: string;
  [field: string]: unknown;
}

export interface RunningNestApp {
  baseUrl: string;
  port: number;
  /** Pulse's events: JSON lines on stdout (no Loki configured). */
  events(): PulseEventLine[];
  stderr(): string;
  /** Resolves once `predicate` holds for the events so far (they are written asynchronously). */
  waitForEvents(predicate: (events: PulseEventLine[]) => boolean, timeoutMs?: number): Promise<PulseEventLine[]>;
  stop(): Promise<void>;
}

/** Starts `node <dir>/<main>` on a free loopback port; resolves once it answers. */
export async function startNestApp(
  dir: string,
  main = 'main.js',
  env: Record<string, string> = {},
): Promise<RunningNestApp> {
  const port = await getFreePort();
  const child: ChildProcess = spawn(process.execPath, [join(dir, main)], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err; // no process: nothing will exit
      resolve();
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const events = (): PulseEventLine[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as PulseEventLine)
      .filter((event) => typeof event.event_kind === 'string');
  const app: RunningNestApp = {
    baseUrl,
    port,
    events,
    stderr: () => stderr,
    async waitForEvents(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events()) && Date.now() < deadline) await sleep(50);
      return events();
    },
    async stop() {
      if (spawnError === undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null || spawnError !== undefined) break;
    const ok = await fetch(`${baseUrl}/metrics`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return app;
    await sleep(100);
  }
  await app.stop();
  throw new Error(`the Nest app did not start: ${spawnError?.message ?? ''}\n${stderr}\n${stdout}`);
}
