#!/usr/bin/env node
// Database overhead benchmark: the same query loop on a real PostgreSQL, with and without Pulse.
//
//   node bench/db-overhead/run.mjs [--batches N] [--batch-size N] [--warmup N] [--out FILE]
//
// Two copies of `pg` are loaded in this one process: one bare, one instrumented by Pulse
// (`createPulse({ db: { pg: copy } })`, N+1 tracking on, default slow query log). Batches of
// sequential queries alternate between the two (ABBA order), so both see the same machine load,
// JIT state and database. Every batch runs inside a request context opened and closed by
// Pulse's own HTTP middleware (the bare batches too): the comparison isolates what the db signal
// adds per query — statement shape lookup, per-request N+1 bookkeeping, the duration histogram
// with its exemplar, the request-end evaluation — from the request context's own cost, which is
// printed separately for reference. Each Pulse batch is an N+1 (one pattern, 50 times): the
// finding is evaluated and counted, not printed (db.maxEventsPerSecond is 0, so no I/O mixes in).
//
// Two loops: `pool.query()` (pool checkout included) and `client.query()` on one connection.
// Reported per query: median wall time and client CPU time (process.cpuUsage) of each variant,
// the added µs (median of the paired batch differences) and the ratio. Target: ≤ 2 µs added
// per query (median). A round trip to a database on a shared 2-core machine varies by tens of
// µs, so a second measurement repeats the comparison on a stub driver with pg's API and no I/O
// (two identical copies, one instrumented): the instrumentation's own CPU cost per query,
// without the network's noise. Results: table on stdout + JSON in bench/results/.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile, fmt, table } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const pulseDist = path.join(repoRoot, 'exporter', 'dist', 'index.cjs');
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const BATCHES = Number(opt('batches', 400));
const BATCH_SIZE = Number(opt('batch-size', 100));
const WARMUP = Number(opt('warmup', 40));
const OUT = opt('out', path.join(repoRoot, 'bench', 'results', 'db-overhead.json'));
const PG = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test',
};

if (!existsSync(pulseDist)) {
  console.error(`missing ${pulseDist}: build the exporter first (npm run build -w exporter)`);
  process.exit(1);
}

/** A second, independent copy of pg: drop pg and pg-pool from the module cache and load again. */
function freshPg() {
  for (const key of Object.keys(require.cache)) {
    if (/[/\\]node_modules[/\\](pg|pg-pool)[/\\]/.test(key)) delete require.cache[key];
  }
  return require('pg');
}

const pgBare = freshPg();
const pgPulse = freshPg();
if (pgBare === pgPulse || pgBare.Client === pgPulse.Client) throw new Error('could not load two copies of pg');

const { createPulse } = require(pulseDist);
const promClient = require('prom-client');
const pulse = createPulse({
  serviceName: 'bench-db',
  metrics: { registry: new promClient.Registry(), defaultMetrics: false },
  db: { pg: pgPulse, maxEventsPerSecond: 0 },
});
const middleware = pulse.middleware();

const pools = { bare: new pgBare.Pool({ ...PG, max: 1 }), pulse: new pgPulse.Pool({ ...PG, max: 1 }) };
const clients = { bare: new pgBare.Client(PG), pulse: new pgPulse.Client(PG) };
await clients.bare.connect();
await clients.pulse.connect();
const SQL = 'SELECT $1::int AS n';
const LOOPS = ['pool.query', 'client.query'];

async function queries(target) {
  for (let i = 0; i < BATCH_SIZE; i++) await target.query(SQL, [i]);
}

/** One request through Pulse's middleware (a request context), its batch inside, then close. */
function inRequest(fn) {
  return new Promise((resolve, reject) => {
    const req = new http.IncomingMessage(new net.Socket());
    req.method = 'GET';
    req.url = '/bench';
    const res = new http.ServerResponse(req);
    middleware(req, res, () => {
      fn().then(() => {
        res.emit('close'); // the request-end hook: route counters and N+1 evaluation
        resolve();
      }, reject);
    });
  });
}

/** variant: 'bare' | 'pulse' | 'bare-no-request'. */
async function measure(loop, variant) {
  const side = variant === 'pulse' ? 'pulse' : 'bare';
  const target = loop === 'pool.query' ? pools[side] : clients[side];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (variant === 'bare-no-request') await queries(target);
  else await inRequest(() => queries(target));
  const wallUs = ((performance.now() - t0) * 1000) / BATCH_SIZE;
  const c = process.cpuUsage(cpu0);
  return { wallUs, cpuUs: (c.user + c.system) / BATCH_SIZE };
}

console.log(
  `db-overhead: ${BATCHES} batches × ${BATCH_SIZE} queries per variant and loop (after ${WARMUP} warm-up batches), ` +
    `pg ${require('pg/package.json').version}, ${PG.host}:${PG.port}/${PG.database}, Node ${process.version}, ${os.cpus().length} CPUs`,
);

const VARIANTS = ['bare', 'pulse', 'bare-no-request'];
for (let i = 0; i < WARMUP; i++) for (const loop of LOOPS) for (const v of VARIANTS) await measure(loop, v);

const results = {};
for (const loop of LOOPS) {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, { wall: [], cpu: [] }]));
  const diffs = { wall: [], cpu: [] };
  const contextCost = { wall: [], cpu: [] };
  for (let i = 0; i < BATCHES; i++) {
    // Rotate the order, so no variant always runs first.
    const order = VARIANTS.slice(i % 3).concat(VARIANTS.slice(0, i % 3));
    const r = {};
    for (const v of order) r[v] = await measure(loop, v);
    for (const v of VARIANTS) {
      samples[v].wall.push(r[v].wallUs);
      samples[v].cpu.push(r[v].cpuUs);
    }
    diffs.wall.push(r.pulse.wallUs - r.bare.wallUs);
    diffs.cpu.push(r.pulse.cpuUs - r.bare.cpuUs);
    contextCost.wall.push(r.bare.wallUs - r['bare-no-request'].wallUs);
    contextCost.cpu.push(r.bare.cpuUs - r['bare-no-request'].cpuUs);
  }
  results[loop] = { samples, diffs, contextCost };
}

// Sanity: Pulse really recorded every query of its batches (and nothing of the bare ones).
const exposition = await pulse.renderMetrics();
const recorded = Number(
  /db_client_operation_duration_seconds_count\{db_system_name="postgresql",db_operation_name="SELECT",db_collection_name="",error_type=""\} (\d+)/.exec(
    exposition,
  )?.[1] ?? 0,
);
const expected = (BATCHES + WARMUP) * BATCH_SIZE * LOOPS.length;
const findings = Number(
  /pulse_db_events_total\{event_kind="n_plus_one",outcome="throttled"\} (\d+)/.exec(exposition)?.[1] ?? 0,
);

for (const side of ['bare', 'pulse']) {
  await pools[side].end();
  await clients[side].end();
}
await pulse.shutdown();

// Only now: recorders are per database system, so a second instance running alongside the first
// would make both record every query.
// The same comparison without I/O: a stub with pg's Client API answering on the next tick, used
// directly and through real pg-pool (a fresh copy per side, so only one is instrumented).
function freshPgPool() {
  for (const key of Object.keys(require.cache)) {
    if (/[/\\]node_modules[/\\]pg-pool[/\\]/.test(key)) delete require.cache[key];
  }
  return require('pg-pool');
}
function stubPg() {
  class Client {
    constructor() {
      this.connectionParameters = {};
      this._queryable = true; // pg-pool keeps a released client only if it is still queryable
    }
    connect(cb) {
      if (cb) return void process.nextTick(cb);
      return Promise.resolve();
    }
    query(_config, values, cb) {
      const result = { rowCount: 1, rows: [] };
      if (typeof values === 'function') cb = values;
      if (cb) return void process.nextTick(cb, null, result);
      return new Promise((resolve) => process.nextTick(resolve, result));
    }
    on() {}
    once() {}
    removeListener() {}
    end(cb) {
      if (cb) cb();
    }
  }
  const PgPool = freshPgPool();
  class Pool extends PgPool {
    constructor(options) {
      super({ ...options, Client });
    }
  }
  return { Client, Pool, types: {} };
}
const stubModules = { bare: stubPg(), pulse: stubPg() };
const stubPulse = createPulse({
  serviceName: 'bench-db-stub',
  metrics: { registry: new promClient.Registry(), defaultMetrics: false },
  db: { pg: stubModules.pulse, maxEventsPerSecond: 0 },
});
const stubTargets = {
  'pool.query': { bare: new stubModules.bare.Pool({ max: 1 }), pulse: new stubModules.pulse.Pool({ max: 1 }) },
  'client.query': { bare: new stubModules.bare.Client(), pulse: new stubModules.pulse.Client() },
};
const stubMiddleware = stubPulse.middleware();
const STUB_BATCH = 2000;
async function stubBatch(loop, side) {
  const target = stubTargets[loop][side];
  const cpu0 = process.cpuUsage();
  await new Promise((resolve) => {
    const req = new http.IncomingMessage(new net.Socket());
    req.method = 'GET';
    req.url = '/bench';
    const res = new http.ServerResponse(req);
    stubMiddleware(req, res, async () => {
      for (let i = 0; i < STUB_BATCH; i++) await target.query(SQL, [i]);
      res.emit('close');
      resolve();
    });
  });
  const c = process.cpuUsage(cpu0);
  return ((c.user + c.system) * 1000) / STUB_BATCH; // ns per query
}
const stubResults = {};
for (const loop of LOOPS) {
  const ns = { bare: [], pulse: [] };
  const diffs = [];
  for (let i = 0; i < 100; i++) {
    const order = i % 2 === 0 ? ['bare', 'pulse'] : ['pulse', 'bare'];
    const r = {};
    for (const side of order) r[side] = await stubBatch(loop, side);
    if (i < 20) continue; // warm-up
    ns.bare.push(r.bare);
    ns.pulse.push(r.pulse);
    diffs.push(r.pulse - r.bare);
  }
  stubResults[loop] = { bare: median(ns.bare), pulse: median(ns.pulse), added: median(diffs) };
}
await stubPulse.shutdown();

const m = (xs) => median(xs);
const rows = [['loop, per query', 'bare µs', 'Pulse µs', 'added µs (median Δ)', 'ratio', 'p90 Δ µs']];
const summary = {};
for (const loop of LOOPS) {
  const { samples, diffs, contextCost } = results[loop];
  for (const [label, key] of [
    ['wall', 'wall'],
    ['client CPU', 'cpu'],
  ]) {
    rows.push([
      `${loop} ${label}`,
      fmt(m(samples.bare[key]), 2),
      fmt(m(samples.pulse[key]), 2),
      fmt(m(diffs[key]), 2),
      fmt(m(samples.pulse[key]) / m(samples.bare[key]), 3),
      fmt(quantile(diffs[key], 0.9), 2),
    ]);
  }
  summary[loop] = {
    bare: { wall: m(samples.bare.wall), cpu: m(samples.bare.cpu) },
    pulse: { wall: m(samples.pulse.wall), cpu: m(samples.pulse.cpu) },
    bareNoRequest: { wall: m(samples['bare-no-request'].wall), cpu: m(samples['bare-no-request'].cpu) },
    added: {
      wall: m(diffs.wall),
      cpu: m(diffs.cpu),
      wallP90: quantile(diffs.wall, 0.9),
      cpuP90: quantile(diffs.cpu, 0.9),
    },
    requestContext: { wall: m(contextCost.wall), cpu: m(contextCost.cpu) },
  };
}
console.log('\n' + table(rows));
console.log(
  '\nFor reference, the request context itself (bare driver inside vs outside a Pulse request, the HTTP\n' +
    "signal's cost, paid once per request, spread over the batch's queries and their awaits):\n" +
    LOOPS.map(
      (l) =>
        `  ${l}: ${fmt(summary[l].requestContext.cpu, 2)} µs CPU, ${fmt(summary[l].requestContext.wall, 2)} µs wall per query`,
    ).join('\n'),
);
console.log(
  '\nInstrumentation alone (stub driver, no I/O, in a request, N+1 tracking on), ns per query:\n' +
    LOOPS.map(
      (l) =>
        `  ${l}: bare ${fmt(stubResults[l].bare, 0)}, Pulse ${fmt(stubResults[l].pulse, 0)}, added ${fmt(stubResults[l].added, 0)}`,
    ).join('\n'),
);
const worst = Math.max(...LOOPS.map((l) => summary[l].added.cpu));
console.log(
  `\nPulse recorded ${recorded} of ${expected} instrumented queries (bare ones: not recorded); ${findings} N+1 findings evaluated.` +
    `\nTarget ≤ 2 µs added per query (median, client CPU, worst loop): ${worst <= 2 ? 'met' : 'NOT met'} (${fmt(worst, 2)} µs).` +
    `\nWall-time differences carry the database round trip's noise; client CPU is what Pulse adds to the app.`,
);
if (recorded !== expected) {
  console.error('instrumentation check failed: recorded count differs from the number of queries run');
  process.exitCode = 1;
}

mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(
  OUT,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      loadAverage: os.loadavg(),
      batches: BATCHES,
      batchSize: BATCH_SIZE,
      perQueryUs: summary,
      stubPerQueryNs: stubResults,
      recorded,
      expected,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${path.relative(repoRoot, OUT)}`);
