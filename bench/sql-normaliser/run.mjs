#!/usr/bin/env node
// Cost of Pulse's SQL normaliser, in ns per query.
//
//   node --import tsx bench/sql-normaliser/run.mjs [--quick] [--out FILE]
//
// Runs the exporter's TypeScript sources through tsx (no build needed). For a corpus of
// realistic statements (PostgreSQL and MySQL, short to an 8 KB bulk insert), side by side:
//   - baseline: a regex normaliser of the usual kind (strings, numbers and placeholders to ?,
//     IN-list collapse, comments and whitespace), what APM agents typically ship;
//   - Pulse, uncached: normaliseSql(), the one-pass scanner (every statement seen the first time);
//   - Pulse, cached: QueryShapes.of() on a repeated statement, the steady state of an application
//     that sends the same statements over and over (target ~50 ns).
// Each figure is the median of 9 timed runs after warm-up. Results: table + JSON in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIdx = args.indexOf('--out');
const out =
  outIdx >= 0 ? path.resolve(args[outIdx + 1]) : path.join(repoRoot, 'bench', 'results', 'sql-normaliser.json');

const { normaliseSql } = await import(path.join(repoRoot, 'exporter', 'src', 'db', 'normalise-sql.ts'));
const { QueryShapes } = await import(path.join(repoRoot, 'exporter', 'src', 'db', 'query-shapes.ts'));

const bulkRows = Array.from({ length: 400 }, (_, i) => `(${i}, 'user${i}@example.com', ${i * 3.5}, NOW())`).join(', ');
const CORPUS = [
  ['pk lookup', 'postgresql', 'SELECT id, email, created_at FROM users WHERE id = $1'],
  ['inlined literals', 'mysql', "SELECT * FROM orders WHERE customer_id = 4711 AND status = 'shipped' LIMIT 20"],
  [
    'IN list',
    'postgresql',
    'SELECT * FROM products WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) AND deleted_at IS NULL',
  ],
  [
    'join + comment',
    'postgresql',
    `/* orders.list */ SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id
     WHERE o.created_at > $1 AND o.total > 100.50 AND c.country = 'DE' ORDER BY o.created_at DESC LIMIT 50`,
  ],
  [
    'CTE',
    'postgresql',
    `WITH recent AS (SELECT user_id, count(*) AS n FROM events WHERE ts > now() - interval '1 day' GROUP BY user_id)
     SELECT u.email, r.n FROM recent r JOIN users u ON u.id = r.user_id WHERE r.n > 10`,
  ],
  ['insert', 'mysql', 'INSERT INTO audit_log (user_id, action, payload) VALUES (42, \'login\', \'{"ip":"10.0.0.1"}\')'],
  [
    'update',
    'postgresql',
    'UPDATE accounts SET balance = balance - $1, updated_at = now() WHERE id = $2 AND balance >= $1',
  ],
  ['transaction', 'postgresql', 'BEGIN'],
  ['bulk insert 8 KB+', 'mysql', `INSERT INTO users (id, email, score, created_at) VALUES ${bulkRows}`],
];

/** The usual regex approach, for comparison (not Pulse's code). */
function regexNormalise(sql) {
  return sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/gi, 'IN (?)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** ns per call: median of 9 runs, each sized to take ~20 ms. */
function nsPerCall(fn) {
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > (quick ? 5 : 20)) break;
    reps *= 2;
  }
  const runs = [];
  for (let r = 0; r < (quick ? 5 : 9); r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    runs.push(Number(process.hrtime.bigint() - t0) / reps);
  }
  return median(runs);
}

let sink = 0; // keeps results alive so the JIT cannot drop the calls
const rows = [['statement', 'chars', 'regex ns', 'Pulse uncached ns', 'Pulse cached ns', 'uncached / regex']];
const results = [];
for (const [name, dialect, sql] of CORPUS) {
  const shapes = new QueryShapes(dialect, 1000);
  shapes.of(sql);
  const regex = nsPerCall(() => (sink += regexNormalise(sql).length));
  const uncached = nsPerCall(() => (sink += normaliseSql(sql, dialect).text.length));
  const cached = nsPerCall(() => (sink += shapes.of(sql).text.length));
  results.push({ name, dialect, chars: sql.length, regexNs: regex, uncachedNs: uncached, cachedNs: cached });
  rows.push([name, String(sql.length), fmt(regex, 0), fmt(uncached, 0), fmt(cached, 0), fmt(uncached / regex, 2)]);
}
const typical = results.filter((r) => r.chars < 1000);
const summary = {
  medianUncachedNs: median(typical.map((r) => r.uncachedNs)),
  medianRegexNs: median(typical.map((r) => r.regexNs)),
  medianCachedNs: median(results.map((r) => r.cachedNs)),
};
console.log(`SQL normaliser, ns per query (Node ${process.version}; median of ${quick ? 5 : 9} runs)\n`);
console.log(table(rows));
console.log(
  `\nTypical statements (< 1000 chars): Pulse uncached ${fmt(summary.medianUncachedNs, 0)} ns vs regex ${fmt(summary.medianRegexNs, 0)} ns ` +
    `(${fmt(summary.medianUncachedNs / summary.medianRegexNs, 2)}×); cached ${fmt(summary.medianCachedNs, 0)} ns.` +
    `\nThe bulk insert is read up to its first 8 KB only, whatever its size. (checksum ${sink % 10})`,
);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ date: new Date().toISOString(), node: process.version, results, summary }, null, 2) + '\n',
);
console.log(`\nwrote ${path.relative(repoRoot, out)}`);
