#!/usr/bin/env node
// Runs a single-process benchmark (scrape-cost, db-overhead, runtime-cost, log-overhead,
// sql-normaliser) once on each Node line, one line after the other, each writing its own JSON
// (bench/results/<name>-node<line>.json). These compare two things inside one process, so the
// comparison itself is interleaved within each line; lines are compared table by table.
//
//   node bench/lib/per-line.mjs [--node-lines 20,22,24] [NODE_FLAGS...] SCRIPT [ARGS...]
//   e.g. node bench/lib/per-line.mjs --expose-gc scrape-cost/run.mjs --quick
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeLines, LINES } from '../../scripts/node-lines.mjs';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let args = process.argv.slice(2);
let wanted = LINES;
if (args[0] === '--node-lines') {
  wanted = String(args[1] ?? '')
    .split(',')
    .filter(Boolean);
  args = args.slice(2);
}
const at = args.findIndex((a) => a.endsWith('.mjs'));
if (at < 0) throw new Error('usage: per-line.mjs [--node-lines 20,22,24] [NODE_FLAGS...] SCRIPT.mjs [ARGS...]');
const [nodeFlags, script, scriptArgs] = [args.slice(0, at), args[at], args.slice(at + 1)];
const name = path.basename(path.dirname(path.resolve(benchDir, script)));

let failed = 0;
for (const l of nodeLines(wanted)) {
  console.log(`\n=== ${name} on Node ${l.version} ===`);
  const out = ['--out', path.join(benchDir, 'results', `${name}-node${l.line}.json`)];
  const r = spawnSync(l.bin, [...nodeFlags, script, ...scriptArgs, ...out], { cwd: benchDir, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${name} on Node ${l.version}: exit ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
