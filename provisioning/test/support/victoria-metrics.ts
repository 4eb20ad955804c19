/**
 * A real single-node VictoriaMetrics for tests (Debian's `victoria-metrics` package, v1.79:
 * /usr/bin/victoria-metrics). Each call starts its own process on a free loopback port with a
 * throwaway data dir; Prometheus feeds it through `writeUrl` (remote_write), and `query` /
 * `queryRange` read it through its Prometheus-compatible API. A missing binary throws: a skipped
 * backend test would look like a passing one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from '../../../exporter/test/support/free-port';
import type { PromMatrix, PromVector } from '../../../exporter/test/support/prometheus';

export const VICTORIA_METRICS_BIN = '/usr/bin/victoria-metrics';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface VictoriaMetrics {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Prometheus remote_write endpoint. */
  writeUrl: string;
  query(expr: string, time: number): Promise<PromVector>;
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<PromMatrix>;
  stop(): Promise<void>;
}

/** VictoriaMetrics refused a query: its own message. */
export class VmQueryError extends Error {
  constructor(
    message: string,
    readonly expr: string,
  ) {
    super(message);
    this.name = 'VmQueryError';
  }
}

function post(url: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: 30_000,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: POST ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const parseValue = (v: string): number => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Same reason as the Prometheus harness: when the test process dies, the pipe closes and the
// wrapper terminates VictoriaMetrics.
const WRAPPER = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'child=$!',
  '(cat >/dev/null; kill -TERM "$child" 2>/dev/null) <&3 &',
  'exec 3<&-',
  'wait "$child"',
].join('\n');

export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  if (!fs.existsSync(VICTORIA_METRICS_BIN)) {
    throw new Error(
      `${VICTORIA_METRICS_BIN} not found: install Debian's victoria-metrics package (\`apt-get install -y victoria-metrics\`; .ci/run does)`,
    );
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pulse-vm-'));
  const port = await getFreePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `-storageDataPath=${path.join(dir, 'data')}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    // Samples are queryable as soon as they arrive (default: hidden for 30 s), and no result is
    // served from the rollup cache: both engines read the same samples at the same instants.
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-retentionPeriod=1d',
    '-loggerLevel=ERROR',
  ];
  const child: ChildProcess = spawn('/bin/sh', ['-c', WRAPPER, 'vm-wrapper', VICTORIA_METRICS_BIN, ...args], {
    cwd: dir,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (stderr = (stderr + c).slice(-16_000)));
  child.stdin!.on('error', () => undefined);
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      child.stdin!.destroy();
      resolve();
    }),
  );
  const onExit = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.on('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (exitInfo === undefined) {
        child.stdin!.end();
        const timer = setTimeout(onExit, STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', onExit);
      await fsp.rm(dir, { recursive: true, force: true });
    })());

  const started = Date.now();
  for (;;) {
    if (exitInfo !== undefined) {
      await stop();
      throw new Error(`victoria-metrics exited during startup (${exitInfo}):\n${stderr}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get(`${url}/health`, { agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() - started > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(`victoria-metrics not ready after ${READY_TIMEOUT_MS} ms:\n${stderr}`);
    }
    await sleep(100);
  }

  const api = async <T>(endpoint: string, form: Record<string, string>, expr: string): Promise<T> => {
    const res = await post(`${url}${endpoint}`, form);
    let parsed: { status?: string; data?: T; error?: string };
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new VmQueryError(`HTTP ${res.status}: ${res.body.slice(0, 500)}`, expr);
    }
    if (parsed.status !== 'success') throw new VmQueryError(parsed.error ?? res.body, expr);
    return parsed.data as T;
  };

  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    async query(expr, time) {
      const data = await api<{ resultType: string; result: unknown }>(
        '/api/v1/query',
        { query: expr, time: String(time) },
        expr,
      );
      if (data.resultType === 'scalar') {
        const [t, v] = data.result as [number, string];
        return [{ metric: {}, timestamp: t, value: parseValue(v) }];
      }
      return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({
        metric: s.metric,
        timestamp: s.value[0],
        value: parseValue(s.value[1]),
      }));
    },
    async queryRange(expr, start, end, step) {
      const data = await api<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
        '/api/v1/query_range',
        { query: expr, start: String(start), end: String(end), step: String(step) },
        expr,
      );
      return data.result.map((s) => ({ metric: s.metric, values: s.values.map(([t, v]) => [t, parseValue(v)]) }));
    },
    stop,
  };
}
