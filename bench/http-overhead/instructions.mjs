#!/usr/bin/env node
// Instructions per request, counted by valgrind (callgrind), for bare Express and instrumented
// variants. Why: on a shared 2-core machine, time-based overhead figures swing by ±10 µs per
// request; instruction counts of a single-threaded V8 (`--single-threaded`: JIT and GC on the main
// thread, triggered by work done, not by wall time) repeat to within a fraction of a percent, so
// they tell where the cost is even while other work runs.
//
//   node bench/http-overhead/instructions.mjs [--variants bare,bare-als,prom-client,pulse] [--requests N]
//
// Each variant runs twice, with N and 2N sequential keep-alive requests from a client in the same
// process (identical in every variant); (Ir(2N) - Ir(N)) / N is the marginal instructions per
// request, start-up and warm-up cancelled out. Timer-driven work (event-loop monitors, runtime
// sampling) fires per wall-clock second, and valgrind slows the process ~50×, so it would be
// charged to requests ~50× over: those variants switch the timers off here and bench/runtime-cost
// measures them on their own.
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
const requests = Number(opt('requests', '3000'));

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
  rmSync(dir, { recursive: true, force: true });
  if (!summary) throw new Error(`${variant}: no callgrind summary`);
  return Number(summary[1]);
}

const rows = [];
for (const variant of variants) {
  const small = instructions(variant, requests);
  const large = instructions(variant, 2 * requests);
  rows.push({ variant, perRequest: (large - small) / requests });
  console.error(`${variant}: ${((large - small) / requests).toFixed(0)} instructions/request`);
}
const bare = rows.find((r) => r.variant === 'bare');
console.log('variant'.padEnd(16), 'instr/request'.padStart(14), 'added'.padStart(10), 'ratio'.padStart(8));
for (const r of rows) {
  const added = bare ? r.perRequest - bare.perRequest : NaN;
  const ratio = bare ? bare.perRequest / r.perRequest : NaN;
  console.log(
    r.variant.padEnd(16),
    r.perRequest.toFixed(0).padStart(14),
    added.toFixed(0).padStart(10),
    ratio.toFixed(3).padStart(8),
  );
}
