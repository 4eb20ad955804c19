/**
 * A real Prometheus for tests.
 *
 * Why: PromQL claims (names, labels, `increase`, exemplars, rule syntax) are only trustworthy when
 * checked against the real engine; npm grammars follow Prometheus 3.x and accept queries 2.42
 * rejects. Each test starts its OWN process on a free loopback port with a throwaway data dir,
 * so tests stay independent and can run in parallel.
 *
 * The binary is Debian's `prometheus` package (2.42). If it is missing we throw: a skipped
 * backend test looks exactly like a passing one in CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './free-port';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
  metricsPath?: string;
  scheme?: 'http';
  /** Extra target labels (e.g. service_name, env), attached to every scraped series. */
  labels?: Record<string, string>;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
}

export interface StartOptions {
  targets: ScrapeTarget[];
  /** Default 1: tests should not wait 15 s (Prometheus's default) for data. */
  scrapeIntervalSeconds?: number;
  /** Absolute paths (or relative to cwd) of rule files; rewrite them and call reload() to change rules. */
  ruleFiles?: string[];
  /** Default: the scrape interval. */
  evaluationIntervalSeconds?: number;
  /** e.g. http://127.0.0.1:9093 */
  alertmanagerUrl?: string;
  /** Remote-write endpoints (e.g. VictoriaMetrics' /api/v1/write): every scraped and recorded sample is also sent there. */
  remoteWriteUrls?: string[];
  extraArgs?: string[];
}

export type Labels = Record<string, string>;
export interface PromSample {
  metric: Labels;
  value: number;
  /** Unix seconds (fractional). */
  timestamp: number;
}
export type PromVector = PromSample[];
export interface PromSeries {
  metric: Labels;
  /** [unix seconds, value] */
  values: Array<[number, number]>;
}
export type PromMatrix = PromSeries[];
export interface PromExemplar {
  labels: Labels;
  value: number;
  timestamp: number;
}
export interface PromExemplarSeries {
  seriesLabels: Labels;
  exemplars: PromExemplar[];
}

/** Prometheus refused a query (HTTP 4xx/5xx with `status: "error"`); `message` is Prometheus's own text. */
export class PromQLError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly httpStatus: number,
    readonly expr: string,
  ) {
    super(message);
    this.name = 'PromQLError';
  }
}

export interface PrometheusHandle {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The generated prometheus.yml (JSON, which YAML accepts). */
  configPath: string;
  /** Instant query. Scalars come back as one sample with no labels; range vectors throw (wrap them in *_over_time). */
  query(expr: string, time?: number): Promise<PromVector>;
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<PromMatrix>;
  queryExemplars(expr: string, start: number, end: number): Promise<PromExemplarSeries[]>;
  /** /api/v1/format_query: parses without evaluating; throws PromQLError with the parse error. */
  formatQuery(expr: string): Promise<string>;
  /**
   * Resolves once every target of `job` has been scraped successfully at least `count` times (in
   * the last hour). Expect ~5-7 s for the FIRST scrape: 2.42's discovery and scrape managers only
   * apply new targets on 5 s tickers, and no flag shortens that. Default timeout: 10 s + 2 intervals per scrape.
   */
  waitForScrapes(job: string, count: number, timeoutMs?: number): Promise<void>;
  /** POST /-/reload: re-reads the config and rule files. */
  reload(): Promise<void>;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), delete the data dir. Idempotent. */
  stop(): Promise<void>;
}

const MISSING_BINARY = "prometheus binary not found: install Debian's prometheus package (`.ci/run` does)";
const STDERR_KEEP_BYTES = 64 * 1024;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

/**
 * Path of the prometheus binary, or undefined. `PULSE_PROMETHEUS_BIN` overrides the lookup
 * (e.g. a downloaded release); when it is set but wrong we report "not installed" rather than
 * falling back, so the override is never silently ignored.
 */
export function prometheusBinary(): string | undefined {
  const isExecutable = (p: string): boolean => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const override = process.env.PULSE_PROMETHEUS_BIN;
  if (override) return isExecutable(override) ? override : undefined;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, 'prometheus');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

// Every process we started and have not yet seen exit, killed when the test process exits.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL the whole process group (wrapper + prometheus).
  process.on('exit', () => {
    for (const child of live) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/*
 * Why a shell wrapper: process.on('exit') does not run when the test worker is killed by a
 * signal (jest's force-exit sends SIGTERM then SIGKILL; Ctrl-C sends SIGINT). The wrapper keeps
 * our end of a pipe on its stdin: when this process dies for ANY reason the pipe closes, `cat`
 * sees EOF and the wrapper SIGTERMs Prometheus. stop() uses the same path (close stdin), so
 * "SIGTERM and wait" means waiting for the wrapper, which waits for Prometheus.
 */
const WRAPPER = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'child=$!',
  '(cat >/dev/null; kill -TERM "$child" 2>/dev/null) <&3 &',
  'exec 3<&-',
  'wait "$child"',
].join('\n');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseValue(v: string): number {
  // Prometheus encodes special floats as "+Inf", "-Inf", "NaN"; Number("+Inf") would be NaN.
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

interface HttpResponse {
  status: number;
  body: string;
}

/** Minimal HTTP client. Why not fetch: undici keeps pooled sockets that jest reports as open handles. */
function request(url: string, method: 'GET' | 'POST', form?: Record<string, string>): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: 30_000,
        headers:
          body !== undefined
            ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
            : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

function buildConfig(opts: StartOptions): unknown {
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const evaluation = `${opts.evaluationIntervalSeconds ?? opts.scrapeIntervalSeconds ?? 1}s`;

  // Prometheus wants unique job names, and path/auth are per scrape config: group targets by job.
  const jobs = new Map<string, ScrapeTarget[]>();
  for (const t of opts.targets) {
    if (!/^[^:/\s]+:\d+$/.test(t.address) && !/^\[[^\]]+\]:\d+$/.test(t.address)) {
      throw new Error(`target address must be host:port, got "${t.address}"`);
    }
    jobs.set(t.job, [...(jobs.get(t.job) ?? []), t]);
  }
  const scrapeConfigs = [...jobs].map(([job, targets]) => {
    const first = targets[0]!;
    const key = (t: ScrapeTarget): string =>
      JSON.stringify([t.metricsPath ?? '/metrics', t.scheme ?? 'http', t.bearerToken, t.basicAuth]);
    if (targets.some((t) => key(t) !== key(first))) {
      throw new Error(`targets of job "${job}" must share metricsPath, scheme and auth`);
    }
    return {
      job_name: job,
      scrape_interval: interval,
      // Must not exceed the interval; Prometheus's default (10 s) would be rejected with 1 s scrapes.
      scrape_timeout: interval,
      metrics_path: first.metricsPath ?? '/metrics',
      scheme: first.scheme ?? 'http',
      ...(first.bearerToken !== undefined ? { authorization: { type: 'Bearer', credentials: first.bearerToken } } : {}),
      ...(first.basicAuth ? { basic_auth: first.basicAuth } : {}),
      // No scrape_protocols here: that setting is Prometheus >= 2.49. 2.42 always sends
      // `Accept: application/openmetrics-text;version=1.0.0,...;q=0.75,text/plain;version=0.0.4;q=0.5`,
      // so a prom-client registry set to OPENMETRICS_CONTENT_TYPE answers in OpenMetrics and its
      // exemplars are ingested (the self-test proves it).
      static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    };
  });

  const config: Record<string, unknown> = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: evaluation },
    scrape_configs: scrapeConfigs,
  };
  if (opts.ruleFiles?.length) config.rule_files = opts.ruleFiles.map((f) => path.resolve(f));
  if (opts.remoteWriteUrls?.length) {
    // Sent within a second, so a test waits seconds (not the default 5 s batches) for the copy.
    config.remote_write = opts.remoteWriteUrls.map((url) => ({ url, queue_config: { batch_send_deadline: '1s' } }));
  }
  if (opts.alertmanagerUrl) {
    const am = new URL(opts.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: am.protocol.replace(':', ''),
          path_prefix: am.pathname,
          api_version: 'v2',
          static_configs: [{ targets: [am.host] }],
        },
      ],
    };
  }
  return config;
}

/** Starts Prometheus and resolves once /-/ready answers 200. */
export async function startPrometheus(opts: StartOptions): Promise<PrometheusHandle> {
  const binary = prometheusBinary();
  if (!binary) throw new Error(MISSING_BINARY);

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pulse-prometheus-'));
  try {
    const configPath = path.join(dir, 'prometheus.yml');
    await fsp.writeFile(configPath, JSON.stringify(buildConfig(opts), null, 2));
    // The free-port dance is racy (see getFreePort): retry when Prometheus cannot bind.
    for (let attempt = 1; ; attempt++) {
      const port = await getFreePort();
      try {
        return await launch(binary, dir, configPath, port, opts);
      } catch (err) {
        if (!(err instanceof AddressInUse) || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

class AddressInUse extends Error {}

async function launch(
  binary: string,
  dir: string,
  configPath: string,
  port: number,
  opts: StartOptions,
): Promise<PrometheusHandle> {
  const url = `http://127.0.0.1:${port}`;
  // One data dir per attempt: a failed attempt may leave a half-initialised TSDB behind.
  const dataDir = path.join(dir, `data-${port}`);
  const args = [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--enable-feature=exemplar-storage',
    '--web.enable-lifecycle',
    '--storage.tsdb.retention.time=1h',
    ...(opts.extraArgs ?? []),
  ];

  installExitHook();
  // detached: own process group, so the exit hook / stop() can SIGKILL wrapper and Prometheus together.
  const child = spawn('/bin/sh', ['-c', WRAPPER, 'prometheus-wrapper', binary, ...args], {
    cwd: dir,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  live.add(child);

  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > STDERR_KEEP_BYTES) stderr = stderr.slice(-STDERR_KEEP_BYTES);
  });
  const stderrTail = (lines = 30): string => stderr.trimEnd().split('\n').slice(-lines).join('\n');

  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      live.delete(child);
      // Lets the watcher `cat` in the wrapper finish when Prometheus died on its own.
      child.stdin!.destroy();
      resolve();
    });
  });
  child.stdin!.on('error', () => {
    /* EPIPE after the wrapper is gone: nothing to do */
  });

  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      if (exitInfo === undefined) {
        child.stdin!.end(); // wrapper SIGTERMs Prometheus (see WRAPPER)
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await fsp.rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  // Wait for /-/ready, failing fast if the process dies (bad flag, bad config, port taken).
  const startedAt = Date.now();
  for (;;) {
    if (exitInfo !== undefined) {
      const tail = stderrTail();
      if (/address already in use/.test(tail)) throw new AddressInUse(tail);
      throw new Error(`prometheus exited during startup (${exitInfo}):\n${tail}`);
    }
    const ready = await request(`${url}/-/ready`, 'GET').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() - startedAt > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(`prometheus not ready after ${READY_TIMEOUT_MS} ms:\n${stderrTail()}`);
    }
    await sleep(100);
  }

  // API call returning `data`, or throwing PromQLError with Prometheus's message.
  const api = async <T>(endpoint: string, params: Record<string, string>, expr: string): Promise<T> => {
    if (stopped) throw new Error('prometheus handle already stopped');
    let res: HttpResponse;
    try {
      res = await request(`${url}${endpoint}`, 'POST', params);
    } catch (err) {
      const dead = exitInfo !== undefined ? ` (prometheus exited: ${exitInfo})\n${stderrTail()}` : '';
      throw new Error(`${endpoint} failed: ${(err as Error).message}${dead}`);
    }
    let parsed: { status?: string; data?: T; errorType?: string; error?: string };
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new Error(`${endpoint}: HTTP ${res.status}, not JSON: ${res.body.slice(0, 500)}`);
    }
    if (parsed.status !== 'success') {
      throw new PromQLError(parsed.error ?? res.body, parsed.errorType ?? 'unknown', res.status, expr);
    }
    return parsed.data as T;
  };

  type Raw = { metric: Labels; value: [number, string] };
  const query = async (expr: string, time?: number): Promise<PromVector> => {
    const data = await api<{ resultType: string; result: unknown }>(
      '/api/v1/query',
      { query: expr, ...(time !== undefined ? { time: String(time) } : {}) },
      expr,
    );
    switch (data.resultType) {
      case 'vector':
        return (data.result as Raw[]).map((s) => ({
          metric: s.metric,
          timestamp: s.value[0],
          value: parseValue(s.value[1]),
        }));
      case 'scalar': {
        const [t, v] = data.result as [number, string];
        return [{ metric: {}, timestamp: t, value: parseValue(v) }];
      }
      default:
        throw new Error(
          `query() returns vectors; "${expr}" gave a ${data.resultType} (use queryRange or an *_over_time function)`,
        );
    }
  };

  const queryRange = async (expr: string, start: number, end: number, stepSeconds: number): Promise<PromMatrix> => {
    const data = await api<{ result: Array<{ metric: Labels; values: Array<[number, string]> }> }>(
      '/api/v1/query_range',
      { query: expr, start: String(start), end: String(end), step: String(stepSeconds) },
      expr,
    );
    return data.result.map((s) => ({ metric: s.metric, values: s.values.map(([t, v]) => [t, parseValue(v)]) }));
  };

  const queryExemplars = async (expr: string, start: number, end: number): Promise<PromExemplarSeries[]> => {
    const data = await api<
      Array<{ seriesLabels: Labels; exemplars: Array<{ labels: Labels; value: string; timestamp: number }> }>
    >('/api/v1/query_exemplars', { query: expr, start: String(start), end: String(end) }, expr);
    return (data ?? []).map((s) => ({
      seriesLabels: s.seriesLabels,
      exemplars: s.exemplars.map((e) => ({ labels: e.labels, value: parseValue(e.value), timestamp: e.timestamp })),
    }));
  };

  const formatQuery = (expr: string): Promise<string> => api<string>('/api/v1/format_query', { query: expr }, expr);

  const waitForScrapes = async (
    job: string,
    count: number,
    timeoutMs = 10_000 + 2_000 * count * (opts.scrapeIntervalSeconds ?? 1),
  ): Promise<void> => {
    const expected = opts.targets.filter((t) => t.job === job).length;
    if (expected === 0) throw new Error(`no targets configured for job "${job}"`);
    // Each scrape appends one `up` sample (1 on success) in the same commit as the scraped
    // samples and exemplars, so sum_over_time(up) counts successful scrapes whose data is queryable.
    const expr = `sum_over_time(up{job=${JSON.stringify(job)}}[1h])`;
    const deadline = Date.now() + timeoutMs;
    let counts: number[] = [];
    for (;;) {
      const v = await query(expr);
      counts = v.map((s) => s.value);
      if (v.length >= expected && counts.every((c) => c >= count)) return;
      if (Date.now() > deadline) break;
      await sleep(Math.min(250, (opts.scrapeIntervalSeconds ?? 1) * 250));
    }
    // Say why: the targets page carries the scrape error (connection refused, parse error, 401...).
    const targets = await request(`${url}/api/v1/targets?state=active`, 'GET').then(
      (r) =>
        (JSON.parse(r.body).data.activeTargets as Array<{ labels: Labels; health: string; lastError: string }>)
          .filter((t) => t.labels.job === job)
          .map((t) => `${t.labels.instance}: ${t.health} ${t.lastError}`)
          .join('; '),
      (e: Error) => `(targets API failed: ${e.message})`,
    );
    throw new Error(
      `job "${job}": wanted ${count} successful scrapes of ${expected} target(s) within ${timeoutMs} ms, ` +
        `have [${counts.join(', ')}]; targets: ${targets}`,
    );
  };

  const reload = async (): Promise<void> => {
    const res = await request(`${url}/-/reload`, 'POST');
    if (res.status !== 200) throw new Error(`reload failed: HTTP ${res.status}: ${res.body.trim()}`);
  };

  return { url, configPath, query, queryRange, queryExemplars, formatQuery, waitForScrapes, reload, stop };
}
