#!/usr/bin/env node
// Log shipping overhead: the HTTP benchmark's app with an error on 10% of requests, under Pulse,
// with Loki shipping on (a Loki-compatible receiver on loopback) vs off, side by side.
//
//   node --import tsx bench/log-overhead/run.mjs [--rounds N] [--duration S] [--warmup S] [--quick]
//        [--connections N] [--ship-all] [--no-pin] [--out FILE]
//
// Pulse runs with its defaults: error events beyond errors.maxEventsPerSecond (200) are counted,
// not shipped. --ship-all lifts the cap, so every error (10% of requests) is shipped.
//
// Both servers are child processes pinned to core 1; the load generator (autocannon, in this
// process) and the receiver (its own process) share core 0. Rounds are interleaved (off on, on
// off, …); each run = warm-up (excluded) + measured window. Prints req/s per variant and the
// throughput ratio on/off (target ≥ 0.95), paired within each round. Runs during which other
// processes took > 10% of core 1 are repeated (twice at most) and left out when enough rounds
// are clean. JSON in bench/results/.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantileSorted, Samples, fmt, table } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const repoRoot = path.resolve(benchDir, '..');

function parseArgs(argv) {
  const o = {
    rounds: 6,
    duration: 5,
    warmup: 2,
    connections: 10,
    pin: true,
    out: path.join(benchDir, 'results', 'log-overhead.json'),
  };
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      explicit.add(a);
      return v;
    };
    if (a === '--rounds') o.rounds = Math.floor(num());
    else if (a === '--duration') o.duration = num();
    else if (a === '--warmup') o.warmup = num();
    else if (a === '--connections') o.connections = Math.floor(num());
    else if (a === '--no-pin') o.pin = false;
    else if (a === '--ship-all') o.shipAll = true;
    else if (a === '--out') o.out = path.resolve(String(argv[++i]));
    else if (a === '--quick') o.quick = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.quick) {
    if (!explicit.has('--rounds')) o.rounds = 3;
    if (!explicit.has('--duration')) o.duration = 3;
    if (!explicit.has('--warmup')) o.warmup = 1;
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
if (!existsSync(path.join(repoRoot, 'exporter', 'dist', 'index.js'))) {
  console.error('exporter/dist/index.js not found: run `npm run build -w exporter` first');
  process.exit(1);
}

let pinned = false;
if (opts.pin && os.availableParallelism() >= 2) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    pinned = true;
  } catch {
    console.error('warning: taskset failed: running unpinned');
  }
}

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function start(file, { core, env = {}, execArgv = [] }) {
  const args = [...execArgv, path.join(here, file)];
  const cmd = pinned ? 'taskset' : process.execPath;
  const proc = spawn(cmd, pinned ? ['-c', String(core), process.execPath, ...args] : args, {
    cwd: benchDir,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    // stdout discarded: with shipping off, that is where the JSON lines go.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(proc);
  let nextId = 1;
  const pending = new Map();
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file}: not ready after 30 s`)), 30_000);
    proc.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(m);
      } else if (pending.has(m?.id)) {
        pending.get(m.id)(m);
        pending.delete(m.id);
      }
    });
    proc.on('exit', (code) => reject(new Error(`${file} exited (${code})`)));
  });
  const ask = (cmd) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      proc.send({ cmd, id });
    });
  return { proc, ready, ask };
}

// Other processes on the servers' core (the machine is shared) distort a run: measure them from
// /proc/stat (core 1 busy time minus the server's own CPU) and repeat a contended run.
const CONTENDED = 0.1;
const MAX_REPEATS = 2;
function core1BusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('cpu1 '));
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0)) / 100; // USER_HZ
  } catch {
    return NaN;
  }
}

const requests = Array.from({ length: 1000 }, (_, i) => ({ method: 'GET', path: `/api/users/${i + 1}` }));
function load(port, seconds, latencies) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const t0 = performance.now();
    const inst = autocannon(
      { url: `http://127.0.0.1:${port}`, connections: opts.connections, duration: seconds, requests, timeout: 10 },
      (err, res) => (err ? reject(err) : resolve({ res, count, elapsed: (performance.now() - t0) / 1000 })),
    );
    inst.on('response', (_c, _status, _bytes, ms) => {
      count++;
      latencies?.push(ms);
    });
  });
}

async function main() {
  const receiver = start('receiver.mjs', { core: 0, execArgv: ['--import', 'tsx'] });
  const { url: lokiUrl } = await receiver.ready;
  const cap = opts.shipAll ? { BENCH_MAX_EVENTS: '1000000' } : {};
  const variants = {
    off: start('server.mjs', { core: 1, env: cap }),
    on: start('server.mjs', { core: 1, env: { ...cap, LOKI_URL: lokiUrl } }),
  };
  const ports = {};
  for (const [name, v] of Object.entries(variants)) ports[name] = (await v.ready).port;
  console.log(
    `log-overhead: Pulse with 10% errors, Loki shipping off vs on | ${opts.rounds} rounds x (${opts.warmup} s warm-up + ${opts.duration} s)` +
      ` | ${opts.connections} connections | ${opts.shipAll ? 'every error shipped' : 'default cap: 200 error events/s'}` +
      ` | ${pinned ? 'servers on core 1, load + receiver on core 0' : 'UNPINNED'}`,
  );

  const runs = [];
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const name of order) {
      let run;
      for (let attempt = 0; attempt <= MAX_REPEATS; attempt++) {
        await load(ports[name], opts.warmup);
        const lat = new Samples(1 << 16);
        const before = await variants[name].ask('stats');
        const busy0 = core1BusySeconds();
        const { res, count, elapsed } = await load(ports[name], opts.duration, lat);
        const busy1 = core1BusySeconds();
        const after = await variants[name].ask('stats');
        const sorted = lat.sortedView();
        // Server CPU (all its threads, the shipping thread included) per request: less sensitive
        // to other load on the machine than req/s.
        const cpuUs = after.cpuUser + after.cpuSystem - before.cpuUser - before.cpuSystem;
        const foreign = pinned ? Math.max(0, (busy1 - busy0 - cpuUs / 1e6) / elapsed) : NaN;
        run = {
          round,
          variant: name,
          rps: count / elapsed,
          cpuUsPerReq: cpuUs / count,
          p50Ms: quantileSorted(sorted, 0.5),
          p99Ms: quantileSorted(sorted, 0.99),
          non2xx: res.non2xx,
          errors: res.errors,
          foreignCore1: foreign,
          contended: foreign > CONTENDED,
          repeats: attempt,
        };
        if (!run.contended) break;
        console.log(
          `round ${round + 1}/${opts.rounds} ${name.padEnd(3)} contended (other processes used ${fmt(foreign * 100, 0)}% of core 1)` +
            (attempt < MAX_REPEATS ? ': repeating' : ''),
        );
      }
      runs.push(run);
      console.log(
        `round ${round + 1}/${opts.rounds} ${name.padEnd(3)} ${fmt(run.rps, 0)} req/s, ${fmt(run.cpuUsPerReq, 1)} us CPU/req, p99 ${fmt(run.p99Ms, 2)} ms, non-2xx ${run.non2xx}${run.contended ? ' (CONTENDED)' : ''}`,
      );
    }
  }

  await new Promise((r) => setTimeout(r, 2000)); // the last batches reach the receiver
  const delivery = (await variants.on.ask('delivery')).status;
  const received = await receiver.ask('count');

  // Rounds where neither run was contended, when there are at least two; else every round.
  const allRounds = [...Array(opts.rounds).keys()];
  const cleanRounds = allRounds.filter((round) => runs.every((r) => r.round !== round || !r.contended));
  const used = cleanRounds.length >= 2 ? cleanRounds : allRounds;
  const by = (name) => runs.filter((r) => r.variant === name && used.includes(r.round));
  const ratios = [];
  for (const round of used) {
    const off = runs.find((r) => r.round === round && r.variant === 'off');
    const on = runs.find((r) => r.round === round && r.variant === 'on');
    ratios.push(on.rps / off.rps);
  }
  console.log('');
  console.log(
    used === cleanRounds
      ? `${used.length} of ${opts.rounds} rounds uncontended: the figures below use those`
      : `only ${cleanRounds.length} uncontended rounds: the figures below use all rounds (noisy)`,
  );
  const stat = (name, key) => median(by(name).map((r) => r[key]));
  const summary = {
    off: { rps: stat('off', 'rps'), cpuUsPerReq: stat('off', 'cpuUsPerReq'), p99Ms: stat('off', 'p99Ms') },
    on: { rps: stat('on', 'rps'), cpuUsPerReq: stat('on', 'cpuUsPerReq'), p99Ms: stat('on', 'p99Ms') },
    ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
  };
  // The same ratio from CPU cost: the throughput a CPU-bound server keeps with shipping on.
  summary.cpuRatio = summary.off.cpuUsPerReq / summary.on.cpuUsPerReq;
  console.log('');
  console.log(
    table([
      ['variant', 'req/s (median)', 'CPU us/req', 'p99 ms (median)', 'req/s ratio vs off [min-max]', 'CPU-based ratio'],
      [
        'Loki shipping off',
        fmt(summary.off.rps, 0),
        fmt(summary.off.cpuUsPerReq, 1),
        fmt(summary.off.p99Ms, 2),
        '1',
        '1',
      ],
      [
        'Loki shipping on',
        fmt(summary.on.rps, 0),
        fmt(summary.on.cpuUsPerReq, 1),
        fmt(summary.on.p99Ms, 2),
        `${fmt(summary.ratio.median, 3)} [${fmt(summary.ratio.min, 3)}-${fmt(summary.ratio.max, 3)}]`,
        fmt(summary.cpuRatio, 3),
      ],
    ]),
  );
  console.log('');
  console.log(
    `shipped: ${received.errors} error events (${received.entries} lines, ${received.pushes} pushes) reached the receiver;` +
      ` the shipping thread reports ${delivery?.written ?? '?'} lines written, ${delivery?.settled ?? '?'} settled`,
  );
  console.log(
    `throughput ratio on/off: ${fmt(summary.ratio.median, 3)} (target >= 0.95: ${summary.ratio.median >= 0.95 ? 'met' : 'NOT met'});` +
      ` from CPU per request: ${fmt(summary.cpuRatio, 3)}`,
  );

  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        pinned,
        options: opts,
        cleanRounds,
        summary,
        received,
        delivery,
        runs,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results: ${path.relative(repoRoot, opts.out)}`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
