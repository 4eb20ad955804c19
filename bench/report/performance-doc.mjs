#!/usr/bin/env node
// docs/performance.md and its charts, from the committed summaries in bench/published/.
//
//   node bench/report/performance-doc.mjs                      redraw the page (npm run generate)
//   node bench/report/performance-doc.mjs --publish FILE...    summarise results files of run.mjs or
//                                                              parts.mjs --mode instructions into
//                                                              bench/published/<benchmark>.json, then redraw
//
// Publishing replaces a suite's summary with a newer run's; the page shows one run per suite.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderPage, summarise } from '../lib/performance-report.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const publishedDir = path.join(repoRoot, 'bench', 'published');
const docsDir = path.join(repoRoot, 'docs');

const args = process.argv.slice(2);
if (args[0] === '--publish') {
  for (const file of args.slice(1)) {
    const summary = summarise(JSON.parse(readFileSync(file, 'utf8')));
    const out = path.join(publishedDir, `${summary.benchmark}.json`);
    writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
    console.log(`published ${path.relative(repoRoot, out)}`);
  }
} else if (args.length > 0) {
  console.error('usage: performance-doc.mjs [--publish RESULTS.json...]');
  process.exit(2);
}

const summaries = readdirSync(publishedDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(publishedDir, f), 'utf8')));
const { markdown, charts } = renderPage(summaries);
for (const [file, svg] of Object.entries(charts)) writeFileSync(path.join(docsDir, file), svg);
writeFileSync(path.join(docsDir, 'performance.md'), markdown);
console.log(`wrote docs/performance.md (${summaries.length} suites)`);
