#!/usr/bin/env node
// Scrape cost: serialise N histogram series with prom-client vs Pulse, side by side.
//
//   node --expose-gc bench/scrape-cost/run.mjs [--series N] [--scrapes N] [--format prometheus|openmetrics]
//        [--quick] [--out FILE]
//
// Both registries hold one histogram, http_server_request_duration_seconds, with the same
// label names (Pulse's catalog order: method, route, status, error_type), the same 14 buckets
// and the same label values: 5 methods x 5 statuses x N/25 routes (/r/1 ...), error_type "".
// Scrapes are interleaved (prom-client, Pulse, idle floor; order alternating) after warm-up.
// Per scrape: wall time until the text is complete, CPU time of the process, and the longest
// event-loop block seen by monitorEventLoopDelay({resolution: 1}) (its max; the reported value
// includes the ~1 ms resolution: the "idle" row is that floor).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { summary, fmt, table } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const repoRoot = path.resolve(benchDir, '..');
const pulseDist = path.join(repoRoot, 'exporter', 'dist', 'index.js');

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const STATUSES = ['200', '201', '400', '404', '500'];
const DEFAULT_LABELS = ['http_request_method', 'http_route', 'http_response_status_code', 'error_type'];

function parseArgs(argv) {
  const o = {
    series: 10_000,
    scrapes: 15,
    warmup: 3,
    format: 'prometheus',
    out: path.join(benchDir, 'results', 'scrape-cost.json'),
    maxSeconds: 300,
  };
  let quick = false;
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    explicit.add(a);
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return Math.floor(v);
    };
    if (a === '--series') o.series = num();
    else if (a === '--scrapes') o.scrapes = num();
    else if (a === '--warmup') o.warmup = num();
    else if (a === '--max-seconds') o.maxSeconds = num();
    else if (a === '--format') o.format = String(argv[++i]);
    else if (a === '--out') o.out = path.resolve(String(argv[++i]));
    else if (a === '--quick') quick = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!['prometheus', 'openmetrics'].includes(o.format)) throw new Error('--format: prometheus or openmetrics');
  if (quick) {
    if (!explicit.has('--scrapes')) o.scrapes = 10;
    if (!explicit.has('--warmup')) o.warmup = 1;
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));

function promClientVersion() {
  try {
    return createRequire(import.meta.url)('prom-client/package.json').version;
  } catch {
    return null;
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : null;

/** Deterministic label sets + observed values shared by both sides. */
function* labelSets(n) {
  const routes = Math.ceil(n / (METHODS.length * STATUSES.length));
  let k = 0;
  for (let r = 1; r <= routes; r++)
    for (const m of METHODS)
      for (const s of STATUSES) {
        if (k++ >= n) return;
        yield [m, `/r/${r}`, s, ''];
      }
}
const OBS_VALUES = [0.003, 0.012, 0.04, 0.2, 1.7];

// ---------------------------------------------------------------- prom-client side
function buildPromClient(labelNames) {
  const registry =
    opts.format === 'openmetrics'
      ? new client.Registry(client.Registry.OPENMETRICS_CONTENT_TYPE)
      : new client.Registry();
  const h = new client.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by route template.',
    labelNames,
    buckets: BUCKETS,
    registers: [registry],
  });
  let i = 0;
  for (const values of labelSets(opts.series)) {
    const labels = {};
    labelNames.forEach((n, j) => (labels[n] = values[j]));
    for (let j = 0; j <= i % 3; j++) h.observe(labels, OBS_VALUES[(i + j) % OBS_VALUES.length]);
    i++;
  }
  return { name: 'prom-client', scrape: () => registry.metrics() };
}

// ---------------------------------------------------------------- Pulse side
async function buildPulse() {
  if (!existsSync(pulseDist)) return { skipped: 'exporter/dist/index.js not found (run: npm run build -w exporter)' };
  const { MetricRegistry, catalog } = await import('@pulse-apm/exporter');
  const def = catalog.httpServerRequestDuration;
  const reg = new MetricRegistry({ maxSeriesPerMetric: Math.max(20_000, opts.series * 2) });
  const h = reg.histogram(def);
  let i = 0;
  for (const values of labelSets(opts.series)) {
    for (let j = 0; j <= i % 3; j++) h.observe(values, OBS_VALUES[(i + j) % OBS_VALUES.length]);
    i++;
  }
  return {
    // What the /metrics endpoint does: chunks written to the socket one by one, never joined.
    side: { name: 'pulse', scrape: () => reg.serializeChunks(opts.format) },
    labelNames: [...def.labelNames],
    buckets: def.buckets ? [...def.buckets] : null,
  };
}

// A scrape returns one string (prom-client) or the chunks Pulse writes to the response.
const byteLength = (text) => (Array.isArray(text) ? text.reduce((n, c) => n + c.length, 0) : Buffer.byteLength(text));

// ---------------------------------------------------------------- measurement
async function measure(fn) {
  if (gc) gc();
  await sleep(10);
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await sleep(5);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const text = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await sleep(5); // let the delay timer fire after the last block
  h.disable();
  return {
    wallMs,
    cpuMs: (c.user + c.system) / 1000,
    eldMaxMs: h.max / 1e6,
    bytes: text ? byteLength(text) : 0,
    text,
  };
}

function countLines(text, needle) {
  let n = 0;
  let i = -1;
  while ((i = text.indexOf(needle, i + 1)) !== -1) n++;
  return n;
}

async function main() {
  const capTimer = setTimeout(() => {
    console.error(`time cap ${opts.maxSeconds} s reached: exiting`);
    process.exit(2);
  }, opts.maxSeconds * 1000);
  capTimer.unref();

  let pulse = null;
  let skipped = null;
  try {
    pulse = await buildPulse();
    if (pulse.skipped) {
      skipped = pulse.skipped;
      pulse = null;
    }
  } catch (e) {
    skipped = `Pulse side failed to build: ${e.stack || e.message}`;
    pulse = null;
  }
  const labelNames = pulse?.labelNames ?? DEFAULT_LABELS;
  if (pulse?.buckets && pulse.buckets.join() !== BUCKETS.join())
    console.warn(`warning: Pulse buckets ${pulse.buckets} differ from prom-client's ${BUCKETS}`);

  const prom = buildPromClient(labelNames);
  const idle = { name: 'idle floor', scrape: async () => '' };
  const sides = [prom, ...(pulse ? [pulse.side] : []), idle];

  console.log(
    `scrape-cost: ${opts.series} histogram series (${BUCKETS.length} buckets, labels ${labelNames.join('/')}), ` +
      `format ${opts.format}, ${opts.scrapes} scrapes each after ${opts.warmup} warm-up, interleaved` +
      `${gc ? ', gc() before each scrape' : ' (run with --expose-gc to collect garbage between scrapes)'}`,
  );
  if (skipped) console.log(`skipping Pulse: ${skipped}`);

  // Validate: same series count in both outputs.
  const checks = {};
  for (const s of sides.slice(0, -1)) {
    const scraped = await s.scrape();
    const text = Array.isArray(scraped) ? Buffer.concat(scraped).toString() : scraped; // validation only, outside the timed runs
    checks[s.name] = {
      bytes: byteLength(text),
      bucketLines: countLines(text, '_bucket{'),
      countLines: countLines(text, '_count{'),
      sample: text.split('\n').find((l) => l.includes('_bucket{')),
    };
    if (checks[s.name].countLines !== opts.series)
      console.warn(`warning: ${s.name} rendered ${checks[s.name].countLines} _count series, expected ${opts.series}`);
  }

  const samples = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let i = 0; i < opts.warmup + opts.scrapes; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const s of order) {
      const r = await measure(s.scrape);
      r.text = undefined;
      if (i >= opts.warmup) samples[s.name].push(r);
    }
  }
  clearTimeout(capTimer);

  const results = {};
  for (const s of sides) {
    const rs = samples[s.name];
    results[s.name] = {
      scrapes: rs.length,
      wallMs: summary(rs.map((r) => r.wallMs)),
      cpuMs: summary(rs.map((r) => r.cpuMs)),
      eldMaxMs: summary(rs.map((r) => r.eldMaxMs)),
      bytes: rs.length ? rs[0].bytes : 0,
    };
  }

  const rows = [
    ['side', 'wall ms median [min-max]', 'CPU ms median', 'max event-loop block ms (median / worst)', 'bytes'],
  ];
  for (const s of sides) {
    const r = results[s.name];
    rows.push([
      s.name,
      `${fmt(r.wallMs.median, 2)} [${fmt(r.wallMs.min, 2)}-${fmt(r.wallMs.max, 2)}]`,
      fmt(r.cpuMs.median, 2),
      `${fmt(r.eldMaxMs.median, 2)} / ${fmt(r.eldMaxMs.max, 2)}`,
      s.name === 'idle floor' ? '-' : String(r.bytes),
    ]);
  }
  console.log('');
  console.log(table(rows));
  let ratio = null;
  if (pulse) {
    ratio = {
      wall: results['prom-client'].wallMs.median / results.pulse.wallMs.median,
      cpu: results['prom-client'].cpuMs.median / results.pulse.cpuMs.median,
    };
    console.log('');
    console.log(
      `prom-client / Pulse: wall ${fmt(ratio.wall, 2)}x, CPU ${fmt(ratio.cpu, 2)}x; ` +
        `longest event-loop block (worst of ${opts.scrapes}): prom-client ${fmt(results['prom-client'].eldMaxMs.max, 1)} ms, ` +
        `Pulse ${fmt(results.pulse.eldMaxMs.max, 1)} ms (idle floor ${fmt(results['idle floor'].eldMaxMs.max, 1)} ms)`,
    );
  }

  const out = {
    benchmark: 'scrape-cost',
    finishedAt: new Date().toISOString(),
    config: { ...opts, labelNames, buckets: BUCKETS, gcBetweenScrapes: Boolean(gc) },
    environment: { node: process.version, promClient: promClientVersion() },
    skipped,
    checks,
    results,
    ratio,
    raw: samples,
  };
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(out, null, 2) + '\n');
  console.log(`results written to ${path.relative(process.cwd(), opts.out) || opts.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
