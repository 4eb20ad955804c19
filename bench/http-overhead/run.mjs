#!/usr/bin/env node
// HTTP overhead benchmark: bare Express vs instrumented Express servers, on each Node line.
//
//   node bench/http-overhead/run.mjs [--suite express|fastify|realistic] [--node-lines 20,22,24]
//        [--rounds N] [--duration S] [--warmup S] [--quick]
//        [--connections N] [--ids N] [--variants a,b,...] [--retry-contended N] [--quiet-wait S]
//        [--max-spread PCT] [--slow-factor F] [--no-pin] [--max-minutes M] [--out FILE]
//
// Suites: `express` (a minimal Express route, Pulse vs its peers) and `realistic` (an async
// handler with a pg query and an outgoing fetch, bare vs Pulse with every signal on; see
// bench/realistic-request). Each variant on each Node line (binaries from
// scripts/node-lines.mjs) is its own child process pinned to core 1; this process (load
// generator = autocannon in-process, scraper, orchestration) pins itself to core 0. Rounds are
// interleaved over every variant and line (A B C D E, B C D E A, ...); each run = warm-up
// (excluded) + measured window. Server CPU per request comes from process.cpuUsage() deltas
// taken in the child over the measured window. Each variant is paired with bare Express on
// the same line in the same round; rounds where bare itself took far more CPU than its median
// (the machine slowed everything) are set apart, and a figure whose rounds disagree beyond
// --max-spread prints "cannot tell" instead. Results: tables on stdout + JSON in bench/results/.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Samples,
  summary,
  median,
  quantileSorted,
  quartiles,
  cv,
  fmt,
  table,
  slowRounds,
  ratioVerdict,
  verdictText,
} from '../lib/stats.mjs';
import { nodeLines, LINES } from '../../scripts/node-lines.mjs';

const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const autocannon = require('autocannon');

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const repoRoot = path.resolve(benchDir, '..');
const pulseDist = path.join(repoRoot, 'exporter', 'dist', 'index.js');

// ---------------------------------------------------------------- variants
// expect: a pattern the metrics output must contain once /api/users/:id was hit
// (proves the instrumentation is active and resolves the route template).
const EXPRESS_VARIANTS = {
  bare: { file: 'bare.mjs', label: 'bare Express', expect: null },
  // Opt-in: the floor of any request context on Node 20 (one AsyncLocalStorage.run per request).
  'bare-als': { file: 'bare-als.mjs', label: 'bare + AsyncLocalStorage', expect: null },
  'prom-client': {
    file: 'prom-client.mjs',
    label: 'prom-client histogram',
    expect: /route="\/api\/users\/:id"/,
  },
  'prom-bundle': {
    file: 'prom-bundle.mjs',
    label: 'express-prom-bundle',
    expect: /path="\/api\/users\/#val"/,
  },
  otel: {
    file: 'otel.mjs',
    label: 'OpenTelemetry SDK',
    expect: /http_route="\/api\/users\/:id"/,
  },
  'otel-traces': {
    file: 'otel.mjs',
    label: 'OTel SDK + spans',
    env: { BENCH_OTEL_TRACES: '1' },
    expect: /http_route="\/api\/users\/:id"/,
  },
  pulse: { file: 'pulse.mjs', label: 'Pulse', expect: /\/api\/users\/:id/ },
  // Opt-in: where Pulse's cost is. Timers and default metrics off (no event-loop monitors, no
  // runtime sampling, a small /metrics), HTTP metrics, request context and exemplars as in `pulse`.
  'pulse-http-only': {
    file: 'pulse.mjs',
    label: 'Pulse, HTTP signal only',
    env: { BENCH_PULSE_HTTP_ONLY: '1' },
    expect: /\/api\/users\/:id/,
  },
};

// The same request on Fastify 5: bare, fastify-metrics, Pulse's plugin.
const FASTIFY_VARIANTS = {
  bare: { file: 'fastify-bare.mjs', label: 'bare Fastify', expect: null },
  'fastify-metrics': {
    file: 'fastify-metrics.mjs',
    label: 'fastify-metrics',
    expect: /route="\/api\/users\/:id"/,
  },
  pulse: { file: 'fastify-pulse.mjs', label: 'Pulse', expect: /http_route="\/api\/users\/:id"/ },
};

// The realistic request (bench/realistic-request): one server file, bare or Pulse by env.
const realisticServer = path.join(benchDir, 'realistic-request', 'server.mjs');
const REALISTIC_VARIANTS = {
  bare: { path: realisticServer, label: 'bare Express', env: { BENCH_VARIANT: 'bare' }, expect: null },
  pulse: {
    path: realisticServer,
    label: 'Pulse, every signal',
    env: { BENCH_VARIANT: 'pulse' },
    // Every signal of the request path is live: db query, outgoing fetch, error captured.
    expect: [
      /db_client_operation_duration_seconds_count\{/,
      /http_client_request_duration_seconds_count\{/,
      /pulse_errors_total\{[^}]*http_route="\/api\/orders\/:id"/,
    ],
  },
};

const SUITES = {
  express: {
    variants: EXPRESS_VARIANTS,
    defaults: ['bare', 'prom-client', 'prom-bundle', 'otel', 'pulse'],
    path: (id) => `/api/users/${id}`,
    checkPaths: [],
    // The target is +5 µs on ~42 µs (12 %): a spread over 5 % of bare cannot resolve it.
    maxSpread: 5,
    backends: false,
    out: 'http-overhead.json',
  },
  fastify: {
    variants: FASTIFY_VARIANTS,
    defaults: ['bare', 'fastify-metrics', 'pulse'],
    path: (id) => `/api/users/${id}`,
    checkPaths: [],
    maxSpread: 5,
    backends: false,
    out: 'fastify-overhead.json',
  },
  realistic: {
    variants: REALISTIC_VARIANTS,
    defaults: ['bare', 'pulse'],
    path: (id) => `/api/orders/${id}`,
    // One failing request before measuring, so the error signal is proven live.
    checkPaths: [{ path: '/api/orders/50', status: 409 }],
    // The target is 3 % of bare: rounds must agree within 2 %.
    maxSpread: 2,
    backends: true,
    // 1 request in 50 answers 409 by design (the error signal's traffic).
    non2xxExpected: true,
    out: 'realistic-request.json',
  },
};

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    rounds: 12,
    duration: 5,
    warmup: 2,
    connections: 10,
    ids: 1000,
    variants: null,
    pin: true,
    maxMinutes: null,
    out: null,
    quick: false,
    retryContended: 1,
    quietWait: 10,
    suite: 'express',
    nodeLines: null,
    maxSpread: null,
    slowFactor: 1.25,
  };
  const num = (i) => {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${argv[i]} needs a positive number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') o.rounds = Math.floor(num(i++));
    else if (a === '--duration') o.duration = num(i++);
    else if (a === '--warmup') o.warmup = num(i++);
    else if (a === '--connections') o.connections = Math.floor(num(i++));
    else if (a === '--ids') o.ids = Math.floor(num(i++));
    else if (a === '--max-minutes') o.maxMinutes = num(i++);
    else if (a === '--quiet-wait') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error('--quiet-wait needs a number of seconds >= 0');
      o.quietWait = v;
    } else if (a === '--retry-contended') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error('--retry-contended needs an integer >= 0');
      o.retryContended = v;
    } else if (a === '--variants')
      o.variants = String(argv[++i] ?? '')
        .split(',')
        .filter(Boolean);
    else if (a === '--out') o.out = path.resolve(String(argv[++i]));
    else if (a === '--suite') {
      o.suite = String(argv[++i]);
      if (!SUITES[o.suite]) throw new Error(`--suite: one of ${Object.keys(SUITES).join(', ')}`);
    } else if (a === '--node-lines')
      o.nodeLines = String(argv[++i] ?? '')
        .split(',')
        .filter(Boolean);
    else if (a === '--max-spread') o.maxSpread = num(i++);
    else if (a === '--slow-factor') {
      o.slowFactor = num(i++);
      if (o.slowFactor <= 1) throw new Error('--slow-factor needs a number > 1');
    } else if (a === '--no-pin') o.pin = false;
    else if (a === '--quick') o.quick = true;
    else if (a === '--help' || a === '-h') {
      const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('\n')
        .slice(1);
      console.log(
        lines
          .slice(
            0,
            lines.findIndex((l) => !l.startsWith('//')),
          )
          .join('\n'),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.quick) {
    // Smoke check: small defaults; explicit --rounds/--duration/--warmup still win.
    const explicit = new Set(argv.filter((a) => a.startsWith('--')));
    if (!explicit.has('--rounds')) o.rounds = 3;
    if (!explicit.has('--duration')) o.duration = 2;
    if (!explicit.has('--warmup')) o.warmup = 1;
  }
  o.out ??= path.join(benchDir, 'results', SUITES[o.suite].out);
  o.maxSpread ??= SUITES[o.suite].maxSpread;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const suite = SUITES[opts.suite];
const VARIANTS = suite.variants;
/** A run where other processes took more than this fraction of core 1 is flagged. */
const CONTENDED = 0.1;

let variantNames = opts.variants ?? suite.defaults.slice();
for (const v of variantNames)
  if (!VARIANTS[v]) throw new Error(`unknown variant ${v} (known: ${Object.keys(VARIANTS)})`);
if (!variantNames.includes('bare')) variantNames.unshift('bare');
const skipped = {};
if (variantNames.includes('pulse') && !existsSync(pulseDist)) {
  skipped.pulse = `exporter/dist/index.js not found (run: npm run build -w exporter)`;
  variantNames = variantNames.filter((v) => v !== 'pulse');
  if (opts.variants?.includes('pulse')) console.error(`error: pulse requested but ${skipped.pulse}`);
}

// Time budget: per run warm-up + duration + ~2 s overhead (quiet probe, IPC, reconnects);
// cap = 2x that + 2 min + half the allowed quiet waits. Past it no new run starts; 60 s
// later everything is killed.
// Node lines: this process's own, the others installed from npm on first use (cached).
const lines = nodeLines(opts.nodeLines ?? LINES);
/** One child per variant and line; `id` names it everywhere below ("pulse@24"). */
let units = lines.flatMap((l) =>
  variantNames.map((v) => ({ id: `${v}@${l.line}`, variant: v, line: l.line, version: l.version, bin: l.bin })),
);
const unitById = new Map(units.map((u) => [u.id, u]));

const totalRuns = opts.rounds * units.length;
const estimateSec = totalRuns * (opts.warmup + opts.duration + 2) + 20;
const capSec = opts.maxMinutes ? opts.maxMinutes * 60 : estimateSec * 2 + 120 + (totalRuns * opts.quietWait) / 2;

// ---------------------------------------------------------------- pinning
let pinned = false;
if (opts.pin) {
  if (os.availableParallelism() < 2) {
    console.error('warning: fewer than 2 cores: running unpinned');
  } else {
    try {
      // -a: every thread of this process (libuv pool, V8 helpers); threads created later inherit.
      execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
      pinned = true;
    } catch (e) {
      console.error(`warning: taskset failed (${e.message}): running unpinned`);
    }
  }
}

// ---------------------------------------------------------------- children
const children = new Map(); // name -> {proc, port, metricsUrl, pending: Map}
let shuttingDown = false;

function killAll(signal = 'SIGTERM') {
  for (const c of children.values()) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) {
      try {
        c.proc.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }
}

let backends = null; // the realistic suite's stub API + Loki receiver (one process)
process.on('exit', () => {
  killAll('SIGKILL');
  if (backends && backends.proc.exitCode === null) backends.proc.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping children`);
    shuttingDown = true;
    killAll('SIGTERM');
    setTimeout(() => process.exit(130), 300);
  });
}

/** Starts the realistic suite's backends on this process's core; resolves {stubUrl, lokiUrl}. */
function startBackends() {
  const proc = spawn(process.execPath, [path.join(benchDir, 'realistic-request', 'backends.mjs')], {
    cwd: benchDir,
    env: { ...process.env, BENCH_CHILD_TTL_MS: String(Math.ceil((capSec + 120) * 1000)) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  backends = { proc, pending: new Map(), nextId: 1 };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('backends: not ready after 30 s')), 30_000);
    proc.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        Object.assign(backends, { stubUrl: m.stubUrl, lokiUrl: m.lokiUrl });
        resolve(backends);
      } else if (m?.type === 'count') backends.pending.get(m.id)?.(m);
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (!shuttingDown) reject(new Error(`backends: exited (code ${code})`));
    });
  });
}

function backendCounts() {
  return new Promise((resolve) => {
    const id = backends.nextId++;
    const timer = setTimeout(() => resolve(null), 5000);
    backends.pending.set(id, (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    backends.proc.send({ cmd: 'count', id });
  });
}

function startChild(name) {
  const unit = unitById.get(name);
  const v = VARIANTS[unit.variant];
  const file = v.path ?? path.join(here, 'servers', v.file);
  const nodeArgs = [file];
  const cmd = pinned ? 'taskset' : unit.bin;
  const args = pinned ? ['-c', '1', unit.bin, ...nodeArgs] : nodeArgs;
  const env = {
    ...process.env,
    ...(backends ? { BENCH_STUB_URL: backends.stubUrl, BENCH_LOKI_URL: backends.lokiUrl } : {}),
    NODE_ENV: 'production',
    BENCH_CHILD_TTL_MS: String(Math.ceil((capSec + 120) * 1000)),
    // OpenTelemetry: nothing leaves the process except the Prometheus endpoint.
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    ...(v.env ?? {}),
  };
  const proc = spawn(cmd, args, { cwd: benchDir, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const child = { name, proc, port: 0, metricsUrl: null, pending: new Map(), nextId: 1 };
  children.set(name, child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready after 30 s`)), 30_000);
    proc.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        child.port = m.port;
        child.metricsUrl = m.metricsUrl;
        resolve(child);
      } else if (m?.type === 'stats') {
        const p = child.pending.get(m.id);
        if (p) {
          child.pending.delete(m.id);
          p(m);
        }
      }
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(name);
      if (!shuttingDown) reject(new Error(`${name}: exited (code ${code}, signal ${signal})`));
    });
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function childStats(child) {
  return new Promise((resolve, reject) => {
    const id = child.nextId++;
    const timer = setTimeout(() => {
      child.pending.delete(id);
      reject(new Error(`${child.name}: no stats reply`));
    }, 5000);
    child.pending.set(id, (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    child.proc.send({ cmd: 'stats', id });
  });
}

// ---------------------------------------------------------------- http helpers
function get(url, agent) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout ${url}`)));
    req.on('error', reject);
  });
}

function startScraper(url) {
  const st = { scrapes: 0, errors: 0, bytes: 0, ms: [] };
  if (!url) return { stop: () => null };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let inFlight = false;
  const tick = () => {
    if (inFlight) return; // never stack scrapes
    inFlight = true;
    const t0 = performance.now();
    get(url, agent).then(
      (r) => {
        inFlight = false;
        if (r.status !== 200) st.errors++;
        st.scrapes++;
        st.bytes = Buffer.byteLength(r.body);
        st.ms.push(performance.now() - t0);
      },
      () => {
        inFlight = false;
        st.errors++;
      },
    );
  };
  tick();
  const iv = setInterval(tick, 1000);
  return {
    stop() {
      clearInterval(iv);
      agent.destroy();
      return { scrapes: st.scrapes, errors: st.errors, bytes: st.bytes, msMedian: median(st.ms) };
    },
  };
}

// ---------------------------------------------------------------- machine-wide CPU (noise)
// /proc/stat per-core busy time, to see how much CPU *other* processes (other engineers'
// builds and tests, the system) took on the two cores during a measured window.
function procStat() {
  try {
    const out = {};
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      const f = m[2].trim().split(/\s+/).map(Number);
      // user nice system idle iowait irq softirq steal
      out[m[1]] = { busy: f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0), steal: f[7] || 0 };
    }
    return out;
  } catch {
    return null;
  }
}
const CLK_TCK = 100; // USER_HZ on Linux

/** Seconds of CPU per core between two procStat() snapshots. */
function coreBusySec(a, b, core) {
  if (!a || !b || !a[core] || !b[core]) return NaN;
  return (b[core].busy - a[core].busy) / CLK_TCK;
}

// ---------------------------------------------------------------- load
const requests = Array.from({ length: opts.ids }, (_, i) => ({ method: 'GET', path: suite.path(i + 1) }));

function load(port, durationSec, latencies) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const t0 = performance.now();
    const inst = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: opts.connections,
        pipelining: 1,
        duration: durationSec,
        requests,
        timeout: 10,
      },
      (err, res) => {
        const elapsed = (performance.now() - t0) / 1000;
        if (err) reject(err);
        else resolve({ res, count, elapsed });
      },
    );
    inst.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      count++;
      if (latencies) latencies.push(responseTimeMs);
    });
  });
}

/**
 * Quiet gate: before a run, wait (at most opts.quietWait seconds, never past the deadline)
 * until other processes leave core 1 nearly idle, probing /proc/stat for 0.5 s at a time.
 * Our idle servers use ~0.2-1 % of core 1, within the threshold. Returns the seconds waited.
 */
async function waitForQuiet(deadline) {
  if (!pinned || opts.quietWait <= 0) return 0;
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < opts.quietWait && Date.now() < deadline) {
    const a = procStat();
    const p0 = performance.now();
    await sleep(500);
    const b = procStat();
    const sec = (performance.now() - p0) / 1000;
    if (!a || !b) return 0;
    if (coreBusySec(a, b, '1') / sec <= CONTENDED && coreBusySec(a, b, '0') / sec <= 0.3) break;
  }
  return (performance.now() - t0) / 1000;
}

async function runOne(name, round, deadline) {
  const child = children.get(name);
  if (!child) throw new Error(`${name}: child not running`);
  const quietWaitSec = await waitForQuiet(deadline);
  const scraper = startScraper(child.metricsUrl);
  try {
    await load(child.port, opts.warmup, null);
    const others = [...children.values()].filter((c) => c !== child);
    const before = await childStats(child);
    const othersBefore = await Promise.all(others.map(childStats));
    const latencies = new Samples(1 << 16);
    const lg0 = process.cpuUsage();
    const ps0 = procStat();
    const { res, count, elapsed } = await load(child.port, opts.duration, latencies);
    const ps1 = procStat();
    const lg = process.cpuUsage(lg0);
    const after = await childStats(child);
    const othersAfter = await Promise.all(others.map(childStats));
    const cpuUs = after.cpuUser + after.cpuSystem - (before.cpuUser + before.cpuSystem);
    const windowSec = (after.t - before.t) / 1000;
    let bgCpuUs = 0;
    const siblings = {};
    othersAfter.forEach((a, i) => {
      const us = a.cpuUser + a.cpuSystem - (othersBefore[i].cpuUser + othersBefore[i].cpuSystem);
      bgCpuUs += us;
      siblings[others[i].name] = us / 1000 / windowSec;
    });
    const lat = latencies.sortedView();
    // Foreign load: busy time of each core that is not ours (server + idle siblings on
    // core 1, this process on core 0), as a fraction of the window. ±1 tick (10 ms) accuracy.
    const foreignCore1 = pinned ? (coreBusySec(ps0, ps1, '1') - (cpuUs + bgCpuUs) / 1e6) / elapsed : NaN;
    const foreignCore0 = pinned ? (coreBusySec(ps0, ps1, '0') - (lg.user + lg.system) / 1e6) / elapsed : NaN;
    return {
      unit: name,
      variant: unitById.get(name).variant,
      line: unitById.get(name).line,
      round,
      requests: count,
      elapsedSec: elapsed,
      rps: count / elapsed,
      cpuUsPerReq: count ? cpuUs / count : NaN, // no response in the window: no figure
      cpuUtil: cpuUs / 1e6 / windowSec, // fraction of core 1 used by the server
      cpuUserUs: after.cpuUser - before.cpuUser,
      cpuSystemUs: after.cpuSystem - before.cpuSystem,
      idleSiblingsCpuMsPerSec: bgCpuUs / 1000 / windowSec,
      idleCpuMsPerSecBySibling: siblings,
      loadgenCpuUtil: (lg.user + lg.system) / 1e6 / elapsed, // fraction of core 0 used by this process
      foreignCore1: Math.max(0, foreignCore1), // fraction of core 1 used by other processes
      foreignCore0: Math.max(0, foreignCore0),
      p50Ms: quantileSorted(lat, 0.5),
      p90Ms: quantileSorted(lat, 0.9),
      p99Ms: quantileSorted(lat, 0.99),
      maxMs: lat.length ? lat[lat.length - 1] : NaN,
      errors: res.errors,
      timeouts: res.timeouts,
      non2xx: res.non2xx,
      rssMB: after.rss / 1048576,
      loadavg1: os.loadavg()[0],
      quietWaitSec,
      scrape: scraper.stop(),
      _latencies: latencies,
    };
  } catch (e) {
    scraper.stop();
    throw e;
  }
}

// ---------------------------------------------------------------- versions
function pkgVersion(name) {
  for (const base of [path.join(benchDir, 'node_modules'), path.join(repoRoot, 'node_modules')]) {
    const p = path.join(base, name, 'package.json');
    if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8')).version;
  }
  return null;
}

// ---------------------------------------------------------------- pooling / report
/** Per-variant summaries over the given rounds (ratios and added CPU paired with bare per round). */
/** The variants still running on a line (bare first). */
function variantsOf(line) {
  return units.filter((u) => u.line === line).map((u) => u.variant);
}

/** Per-variant summaries of one Node line over the given rounds (paired with bare per round). */
function pool(runs, rounds, line) {
  const inRounds = runs.filter((r) => r.line === line && rounds.includes(r.round));
  const byRound = (v, round) => inRounds.find((r) => r.variant === v && r.round === round);
  const results = {};
  for (const v of variantsOf(line)) {
    const mine = inRounds.filter((r) => r.variant === v);
    const pooled = new Samples(1 << 20);
    for (const r of mine) pooled.pushAll(r._latencies);
    const lat = pooled.sortedView();
    const ratios = [];
    const addedCpu = [];
    for (const round of rounds) {
      const a = byRound(v, round);
      const b = byRound('bare', round);
      ratios.push(a.rps / b.rps);
      addedCpu.push(a.cpuUsPerReq - b.cpuUsPerReq);
    }
    const scrapes = mine.map((r) => r.scrape).filter(Boolean);
    const idleMe = inRounds
      .filter((r) => r.variant !== v && r.idleCpuMsPerSecBySibling[`${v}@${line}`] !== undefined)
      .map((r) => r.idleCpuMsPerSecBySibling[`${v}@${line}`]);
    results[v] = {
      label: VARIANTS[v].label,
      runs: mine.length,
      rps: summary(mine.map((r) => r.rps)),
      rpsCv: cv(mine.map((r) => r.rps)),
      ratioVsBare: summary(ratios),
      cpuUsPerReq: summary(mine.map((r) => r.cpuUsPerReq)),
      cpuUsPerReqCv: cv(mine.map((r) => r.cpuUsPerReq)),
      addedCpuUsPerReq: summary(addedCpu),
      latencyPooledMs: {
        p50: quantileSorted(lat, 0.5),
        p90: quantileSorted(lat, 0.9),
        p99: quantileSorted(lat, 0.99),
        max: lat.length ? lat[lat.length - 1] : NaN,
        samples: lat.length,
      },
      p99MedianOfRoundsMs: median(mine.map((r) => r.p99Ms)),
      errors: mine.reduce((s, r) => s + r.errors + r.non2xx + r.timeouts, 0),
      scrape: scrapes.length
        ? {
            total: scrapes.reduce((s, x) => s + x.scrapes, 0),
            errors: scrapes.reduce((s, x) => s + x.errors, 0),
            lastBytes: scrapes[scrapes.length - 1].bytes,
            msMedian: median(scrapes.map((x) => x.msMedian).filter((x) => !Number.isNaN(x))),
          }
        : null,
      rssMBMax: Math.max(...mine.map((r) => r.rssMB)),
      idleSiblingsCpuMsPerSec: median(mine.map((r) => r.idleSiblingsCpuMsPerSec)),
      // this variant's own background CPU while it sat idle (timers, collectors): ms per second
      ownIdleCpuMsPerSec: median(idleMe),
      serverCpuUtil: median(mine.map((r) => r.cpuUtil)),
      loadgenCpuUtil: median(mine.map((r) => r.loadgenCpuUtil)),
      foreignCore1: summary(mine.map((r) => r.foreignCore1).filter((x) => !Number.isNaN(x))),
      contendedRuns: mine.filter((r) => r.foreignCore1 > CONTENDED).length,
    };
  }
  return results;
}

function renderTable(results) {
  const rows = [
    [
      'variant',
      'req/s',
      'ratio vs bare [min-max]',
      'CPU us/req',
      '+CPU us/req vs bare [min-max]',
      'p50 ms',
      'p99 ms',
      'scrape KiB',
      'RSS MB',
      'idle CPU ms/s',
    ],
  ];
  for (const v of Object.keys(results)) {
    const s = results[v];
    const isBare = v === 'bare';
    rows.push([
      v,
      fmt(s.rps.median, 0),
      isBare ? '1' : `${fmt(s.ratioVsBare.median, 3)} [${fmt(s.ratioVsBare.min, 3)}-${fmt(s.ratioVsBare.max, 3)}]`,
      fmt(s.cpuUsPerReq.median, 1),
      isBare
        ? '0'
        : `${fmt(s.addedCpuUsPerReq.median, 1)} [${fmt(s.addedCpuUsPerReq.min, 1)}-${fmt(s.addedCpuUsPerReq.max, 1)}]`,
      fmt(s.latencyPooledMs.p50, 2),
      fmt(s.latencyPooledMs.p99, 2),
      s.scrape ? fmt(s.scrape.lastBytes / 1024, 1) : '-',
      fmt(s.rssMBMax, 0),
      fmt(s.ownIdleCpuMsPerSec, 2),
    ]);
  }
  return table(rows);
}

/**
 * The headline figures, per Node line: bare's CPU per request and what each variant adds, from
 * the rounds the machine did not slow (bare's own cost within --slow-factor of its median), each
 * with its spread over rounds, or "cannot tell" when the rounds disagree beyond --max-spread.
 */
function headline(runs, rounds, checks) {
  const out = {};
  for (const l of lines) {
    const mine = runs.filter((r) => r.line === l.line && rounds.includes(r.round));
    const get = (v, round) => mine.find((r) => r.variant === v && r.round === round);
    const bare = mine.filter((r) => r.variant === 'bare');
    const slow = slowRounds(
      bare.filter((r) => r.requests > 0).map((r) => ({ round: r.round, value: r.cpuUsPerReq })),
      { factor: opts.slowFactor },
    );
    const variants = {};
    for (const v of variantsOf(l.line)) {
      if (v === 'bare') continue;
      const cpuRatios = [];
      const added = [];
      const rpsRatios = [];
      for (const round of slow.kept) {
        const a = get(v, round);
        const b = get('bare', round);
        if (!(a?.requests > 0 && b?.requests > 0)) continue;
        cpuRatios.push(a.cpuUsPerReq / b.cpuUsPerReq);
        added.push(a.cpuUsPerReq - b.cpuUsPerReq);
        rpsRatios.push(a.rps / b.rps);
      }
      const check = checks[`${v}@${l.line}`];
      variants[v] = {
        // A variant whose route or instrumentation did not answer as expected measured something else.
        checkFailed: !check || !check.routeOk || check.metricsOk === false,
        cpuRatio: ratioVerdict(cpuRatios, { maxSpread: opts.maxSpread }),
        addedCpuUsPerReq: quartiles(added),
        rpsRatio: ratioVerdict(rpsRatios, { maxSpread: opts.maxSpread }),
      };
    }
    out[l.line] = {
      version: l.version,
      bareCpuUsPerReq: quartiles(
        slow.kept.map((round) => get('bare', round).cpuUsPerReq).filter((x) => Number.isFinite(x)),
      ),
      keptRounds: slow.kept,
      slowRounds: slow.slow,
      variants,
    };
  }
  return out;
}

const range = (q, d) => `[${fmt(q.q1, d)}–${fmt(q.q3, d)}]`;

function renderHeadline(h) {
  const variants = [...new Set(units.map((u) => u.variant))].filter((v) => v !== 'bare');
  const cpu = [['runtime', `${VARIANTS.bare.label} CPU µs/req`, ...variants.map((v) => VARIANTS[v].label)]];
  const rps = [['runtime', ...variants.map((v) => VARIANTS[v].label)]];
  for (const x of Object.values(h)) {
    const name = `Node ${x.version}`;
    cpu.push([
      name,
      `${fmt(x.bareCpuUsPerReq.median, 1)} ${range(x.bareCpuUsPerReq, 1)}`,
      ...variants.map((v) => {
        const y = x.variants[v];
        if (!y) return 'not run';
        if (y.checkFailed) return 'no figure: its pre-run check failed';
        return verdictText(
          y.cpuRatio,
          (c) =>
            `${y.addedCpuUsPerReq.median >= 0 ? '+' : '−'}${fmt(Math.abs(y.addedCpuUsPerReq.median), 1)} µs ` +
            `${range(y.addedCpuUsPerReq, 1)} ×${fmt(c.median, 3)}`,
        );
      }),
    ]);
    rps.push([
      name,
      ...variants.map((v) => {
        const y = x.variants[v];
        if (!y) return 'not run';
        if (y.checkFailed) return 'no figure: its pre-run check failed';
        return verdictText(y.rpsRatio, (r) => `${fmt(r.median, 3)} ${range(r, 3)}`);
      }),
    ]);
  }
  return [
    'Server CPU per request: bare, and what each variant adds (median [interquartile range] of the per-round',
    `differences; ×: ratio to bare), over the rounds the machine did not slow; "cannot tell" when the per-round`,
    `ratios' interquartile range exceeds ${opts.maxSpread}% of bare (--max-spread).`,
    table(cpu),
    '',
    'Throughput relative to bare on the same line (median [interquartile range] of per-round req/s ratios):',
    table(rps),
  ].join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  const startedAt = new Date();
  const deadline = Date.now() + capSec * 1000;
  const hardKill = setTimeout(
    () => {
      console.error(`\nhard time cap (${Math.round(capSec + 60)} s) reached: killing children and exiting`);
      killAll('SIGKILL');
      process.exit(2);
    },
    (capSec + 60) * 1000,
  );

  console.log(
    `${opts.suite}: ${variantNames.join(', ')} on Node ${lines.map((l) => l.version).join(', ')}` +
      ` | ${opts.rounds} rounds x (${opts.warmup} s warm-up + ${opts.duration} s)` +
      ` | ${opts.connections} connections, ids 1..${opts.ids} | ${pinned ? 'servers on core 1, load on core 0' : 'UNPINNED'}` +
      ` | est. ${Math.round(estimateSec)} s, cap ${Math.round(capSec)} s`,
  );
  for (const [v, why] of Object.entries(skipped)) console.log(`skipping ${v}: ${why}`);

  if (suite.backends) {
    await startBackends();
    console.log(`backends: stub API ${backends.stubUrl}, Loki receiver ${backends.lokiUrl}`);
  }

  // Start every variant on every line once; they stay up (idle) across rounds so the JIT is warm.
  const failed = {};
  for (const u of units) {
    try {
      await startChild(u.id);
    } catch (e) {
      failed[u.id] = e.message;
      console.error(`${u.id} failed to start: ${e.message}`);
    }
  }
  for (const l of lines)
    if (!children.has(`bare@${l.line}`)) throw new Error(`baseline (bare) did not start on Node ${l.line}`);
  units = units.filter((u) => children.has(u.id));

  // Sanity: the route answers, metrics endpoints answer and carry the route template.
  const checks = {};
  for (const u of units) {
    const name = u.id;
    const c = children.get(name);
    const agent = new http.Agent({ keepAlive: false });
    const r = await get(`http://127.0.0.1:${c.port}${suite.path(42)}`, agent);
    const h = await get(`http://127.0.0.1:${c.port}/health`, agent);
    let ok = r.status === 200 && JSON.parse(r.body).id === 42 && h.status === 200;
    for (const p of suite.checkPaths) {
      const x = await get(`http://127.0.0.1:${c.port}${p.path}`, agent);
      if (x.status !== p.status) {
        ok = false;
        console.error(`warning: ${name}: ${p.path} answered ${x.status}, expected ${p.status}: ${x.body}`);
      }
    }
    let metricsOk = null;
    let metricsBytes = null;
    if (c.metricsUrl) {
      // Error events and db/dependency series are recorded as the request ends: give them a moment.
      await sleep(200);
      const m = await get(c.metricsUrl, agent);
      metricsBytes = Buffer.byteLength(m.body);
      const expect = [VARIANTS[u.variant].expect ?? []].flat();
      const missing = expect.filter((re) => !re.test(m.body));
      metricsOk = m.status === 200 && missing.length === 0;
      if (!metricsOk)
        console.error(
          `warning: ${name}: metrics at ${c.metricsUrl} (status ${m.status}) lack ${missing.join(', ')}; first lines:\n` +
            m.body.split('\n').slice(0, 8).join('\n'),
        );
    }
    if (!ok) console.error(`warning: ${name}: ${suite.path(42)} or /health answered wrongly: ${r.status} ${r.body}`);
    checks[name] = { routeOk: ok, metricsUrl: c.metricsUrl, metricsOk, metricsBytes };
    agent.destroy();
  }

  const runs = [];
  const discarded = [];
  let incomplete = false;
  const label = (id) => id.padEnd(Math.max(...units.map((u) => u.id.length)));
  outer: for (let round = 0; round < opts.rounds; round++) {
    const ids = units.map((u) => u.id);
    const order = ids.map((_, i) => ids[(i + round) % ids.length]);
    for (const name of order) {
      if (shuttingDown) break outer;
      if (Date.now() > deadline) {
        console.error(`time cap (${Math.round(capSec)} s) reached: stopping after round ${round}`);
        incomplete = true;
        break outer;
      }
      const unit = units.find((u) => u.id === name);
      if (!unit) continue;
      let r;
      try {
        r = await runOne(name, round, deadline);
        for (
          let retry = 1;
          retry <= opts.retryContended && r.foreignCore1 > CONTENDED && Date.now() < deadline;
          retry++
        ) {
          console.log(
            `round ${String(round + 1).padStart(2)}/${opts.rounds} ${label(name)} contended ` +
              `(other processes used ${fmt(r.foreignCore1 * 100, 0)}% of core 1): repeating (${retry}/${opts.retryContended})`,
          );
          const { _latencies, ...rest } = r;
          discarded.push(rest);
          r = await runOne(name, round, deadline);
          r.retries = retry;
        }
      } catch (e) {
        if (unit.variant === 'bare' || shuttingDown) throw e;
        failed[name] = `round ${round + 1}: ${e.message}`;
        console.error(`${name} failed, dropped from the comparison: ${e.message}`);
        units = units.filter((u) => u.id !== name);
        continue;
      }
      runs.push(r);
      let flag = r.quietWaitSec >= 1 ? `  (waited ${fmt(r.quietWaitSec, 0)} s for a quiet core)` : '';
      if (r.errors || r.timeouts || (r.non2xx && !suite.non2xxExpected))
        flag += `  ERRORS ${r.errors}/${r.non2xx}/${r.timeouts}`;
      if (r.foreignCore1 > CONTENDED)
        flag += `  [contended: other processes used ${fmt(r.foreignCore1 * 100, 0)}% of core 1]`;
      console.log(
        `round ${String(round + 1).padStart(2)}/${opts.rounds} ${label(name)} ${fmt(r.rps, 0).padStart(6)} req/s` +
          `  cpu ${fmt(r.cpuUsPerReq, 1).padStart(6)} us/req (server ${fmt(r.cpuUtil * 100, 0)}%, loadgen ${fmt(r.loadgenCpuUtil * 100, 0)}%)` +
          `  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms` +
          (r.scrape ? `  scrapes ${r.scrape.scrapes} (${fmt(r.scrape.bytes / 1024, 1)} KiB)` : '') +
          flag,
      );
    }
  }

  clearTimeout(hardKill);
  const received = backends ? await backendCounts() : null;
  shuttingDown = true;
  killAll('SIGTERM');
  if (backends) backends.proc.kill('SIGTERM');

  // ------------------------------------------------------------ pooling
  const completeRounds = [...new Set(runs.map((r) => r.round))].filter((round) =>
    units.every((u) => runs.some((r) => r.round === round && r.unit === u.id)),
  );
  // Clean rounds: no run of the round lost more than CONTENDED of core 1 to other processes.
  const cleanRounds = completeRounds.filter((round) =>
    runs.filter((r) => r.round === round).every((r) => !(r.foreignCore1 > CONTENDED)),
  );
  const results = {};
  const resultsClean = {};
  for (const l of lines) {
    results[l.line] = pool(runs, completeRounds, l.line);
    resultsClean[l.line] =
      cleanRounds.length >= 3 && cleanRounds.length < completeRounds.length ? pool(runs, cleanRounds, l.line) : null;
  }
  const head = headline(runs, completeRounds, checks);

  // ------------------------------------------------------------ report
  for (const l of lines) {
    console.log('');
    console.log(
      `Node ${l.version}: all ${completeRounds.length} complete rounds. Medians; ratio and +CPU are paired with bare within each round, then median [min-max];` +
        ` latency pooled over all measured responses.`,
    );
    console.log(renderTable(results[l.line]));
    if (resultsClean[l.line]) {
      console.log(
        `Node ${l.version}, clean rounds only (${cleanRounds.length}/${completeRounds.length}: no run lost > ${CONTENDED * 100}% of core 1 to other processes):`,
      );
      console.log(renderTable(resultsClean[l.line]));
    }
  }
  if (cleanRounds.length < 3 && completeRounds.length > cleanRounds.length)
    console.log(`(only ${cleanRounds.length} clean rounds: no clean-only tables)`);
  console.log('');
  for (const l of lines) {
    const noise = variantsOf(l.line)
      .map(
        (v) => `${v} ${fmt(results[l.line][v].rpsCv * 100, 1)}% / ${fmt(results[l.line][v].cpuUsPerReqCv * 100, 1)}%`,
      )
      .join(', ');
    console.log(`noise, Node ${l.line}: coefficient of variation across rounds, req/s / CPU us per req: ${noise}`);
  }
  console.log(
    `noise: 1-min load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const contended = runs.filter((r) => r.foreignCore1 > CONTENDED);
  const foreign = runs.map((r) => r.foreignCore1).filter((x) => !Number.isNaN(x));
  if (foreign.length)
    console.log(
      `noise: other processes used core 1 for ${fmt(median(foreign) * 100, 1)}% of the window (median), ` +
        `max ${fmt(Math.max(...foreign) * 100, 0)}%; ${contended.length}/${runs.length} runs contended (>${CONTENDED * 100}%)`,
    );
  for (const l of lines) {
    const x = head[l.line];
    if (x.slowRounds.length)
      console.log(
        `set apart, Node ${l.line}: ${x.slowRounds.length} round(s) the machine slowed (bare's CPU/request over ` +
          `${opts.slowFactor}x its median ${fmt(median(runs.filter((r) => r.line === l.line && r.variant === 'bare').map((r) => r.cpuUsPerReq)), 1)} µs): ` +
          x.slowRounds.map((s) => `r${s.round + 1} ${fmt(s.value, 1)} µs (${fmt(s.vsMedian, 2)}x)`).join(', '),
      );
  }
  if (received)
    console.log(
      `backends: Loki receiver got ${received.pushes} pushes (${fmt(received.bytes / 1024, 1)} KiB); stub API answered ${received.stubRequests} requests`,
    );
  const errs = runs.filter((r) => r.errors || r.timeouts || (r.non2xx && !suite.non2xxExpected));
  if (errs.length) console.log(`WARNING: request errors in: ${[...new Set(errs.map((r) => r.unit))].join(', ')}`);
  if (incomplete) console.log('WARNING: incomplete (time cap reached)');
  console.log('');
  console.log(renderHeadline(head));

  const out = {
    benchmark: { express: 'http-overhead', realistic: 'realistic-request', fastify: 'fastify-overhead' }[opts.suite],
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    incomplete,
    config: { ...opts, pinned, variants: variantNames, units: units.map((u) => u.id), estimateSec, capSec },
    environment: {
      node: Object.fromEntries(lines.map((l) => [l.line, l.version])),
      orchestratorNode: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().map((c) => c.model),
      versions: Object.fromEntries(
        [
          'express',
          'prom-client',
          'express-prom-bundle',
          'autocannon',
          'pg',
          '@opentelemetry/sdk-node',
          '@opentelemetry/instrumentation-http',
          '@opentelemetry/instrumentation-express',
          '@opentelemetry/exporter-prometheus',
          '@pulse-apm/exporter',
        ].map((n) => [n, pkgVersion(n)]),
      ),
    },
    skipped,
    failed,
    checks,
    completeRounds: completeRounds.length,
    cleanRounds,
    headline: head,
    results,
    resultsCleanRounds: resultsClean,
    backends: received,
    runs: runs.map(({ _latencies, ...r }) => r),
    discardedContendedRuns: discarded,
  };
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(out, null, 2) + '\n');
  console.log(`results written to ${path.relative(process.cwd(), opts.out) || opts.out}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    killAll('SIGKILL');
    process.exit(1);
  },
);
