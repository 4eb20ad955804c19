#!/usr/bin/env node
// Instructions per request, counted by valgrind (callgrind), for bare Express and instrumented
// variants. Why: on a shared 2-core machine, time-based overhead figures swing by ±10 µs per
// request; instruction counts of a single-threaded V8 (`--single-threaded`: JIT and GC on the main
// thread) do not depend on what else the machine runs, so they tell where the cost is even then.
//
//   node bench/http-overhead/instructions.mjs [--variants bare,bare-als,prom-client,pulse] [--requests N]
//
// Each variant runs twice, with N and 2N sequential keep-alive requests from a client in the same
// process (identical in every variant); (Ir(2N) - Ir(N)) / N is the marginal instructions per
// request, start-up and warm-up cancelled out. JIT compilation is reported apart: which functions
// V8 optimises, and when, still shifts between runs of one variant (by up to ~54k instructions per
// request at 6000 requests, seen here), so the figure without it is the one to compare.
// Timer-driven work (event-loop monitors, runtime sampling) fires per wall-clock second, and
// valgrind slows the process ~50×, so it would be charged to requests ~50× over: those variants
// switch the timers off here and bench/runtime-cost measures them on their own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const variants = opt('variants', 'bare,bare-als,prom-client,pulse').split(',');
const requests = Number(opt('requests', '6000'));

function instructions(variant, n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-ir-'));
  const out = path.join(dir, 'callgrind.out');
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      '--dump-instr=no',
      process.execPath,
      '--single-threaded',
      path.join(here, 'instructions-server.mjs'),
      variant,
      String(n),
    ],
    { encoding: 'utf8', timeout: 15 * 60_000 },
  );
  if (run.status !== 0) throw new Error(`${variant} ${n}: exit ${run.status}\n${run.stderr.slice(-2000)}`);
  const summary = /^summary: (\d+)/m.exec(readFileSync(out, 'utf8'));
  const compile = compileInstructions(out);
  rmSync(dir, { recursive: true, force: true });
  if (!summary) throw new Error(`${variant}: no callgrind summary`);
  return { total: Number(summary[1]), compile };
}

// V8's optimising compilers (TurboFan, Maglev), its bytecode compiler and parser, by symbol.
const COMPILER_SYMBOL = /v8::internal::(compiler|maglev|interpreter|baseline)::|v8::internal::(Parser|Compiler|Zone)\b/;

/** Instructions spent in V8's compilers, summed from callgrind_annotate's per-function self cost. */
function compileInstructions(file) {
  const run = spawnSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`callgrind_annotate: exit ${run.status}\n${run.stderr}`);
  let sum = 0;
  for (const line of run.stdout.split('\n')) {
    const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$/.exec(line);
    if (m && COMPILER_SYMBOL.test(m[2])) sum += Number(m[1].replaceAll(',', ''));
  }
  return sum;
}

const rows = [];
for (const variant of variants) {
  const small = instructions(variant, requests);
  const large = instructions(variant, 2 * requests);
  const perRequest = (large.total - small.total) / requests;
  const compile = (large.compile - small.compile) / requests;
  rows.push({ variant, perRequest, compile, withoutCompile: perRequest - compile });
  console.error(`${variant}: ${perRequest.toFixed(0)} instructions/request (${compile.toFixed(0)} of them compiling)`);
}
const bare = rows.find((r) => r.variant === 'bare');
console.log(
  'variant'.padEnd(16),
  'instr/request'.padStart(14),
  'compiling'.padStart(10),
  'without'.padStart(10),
  'added'.padStart(10),
  'ratio'.padStart(8),
);
for (const r of rows) {
  // Added cost and ratio compare the figures without JIT compilation (see the top of this file).
  const added = bare ? r.withoutCompile - bare.withoutCompile : NaN;
  const ratio = bare ? bare.withoutCompile / r.withoutCompile : NaN;
  console.log(
    r.variant.padEnd(16),
    r.perRequest.toFixed(0).padStart(14),
    r.compile.toFixed(0).padStart(10),
    r.withoutCompile.toFixed(0).padStart(10),
    added.toFixed(0).padStart(10),
    ratio.toFixed(3).padStart(8),
  );
}
