// docs/performance.md and its chart, from the results the HTTP benchmarks write (run.mjs --out).
//
// A full results file holds every run (MBs); `summarise` keeps what the page shows, and that
// summary is committed under bench/published/, so `npm run generate` redraws the page from it
// and leaves git clean. Nothing here measures: it only formats what a run printed.

const SUITE_TITLES = {
  'fastify-instructions':
    'Fastify 5: instructions per request beside bare Fastify and fastify-metrics (bench/http-overhead/parts.mjs)',
  'http-parts-instructions':
    'Where the Express request path goes: instructions per request, part by part (bench/http-overhead/parts.mjs)',
  'http-overhead': 'Express 4: `GET /api/users/:id` (bench/http-overhead)',
  'realistic-request': 'A realistic request: async handler, PostgreSQL query, outgoing fetch, errors to Loki',
  'fastify-overhead': 'Fastify 5: `GET /api/users/:id` (bench/http-overhead --suite fastify)',
};

/** The parts of a run.mjs (or parts.mjs --mode instructions) results file the page shows. */
export function summarise(results) {
  if (INSTRUCTION_SUITES.has(results.benchmark)) return summariseInstructions(results);
  const lines = {};
  for (const [line, head] of Object.entries(results.headline)) {
    const variants = {};
    for (const [variant, v] of Object.entries(head.variants)) {
      variants[variant] = {
        label: results.results?.[line]?.[variant]?.label ?? variant,
        checkFailed: v.checkFailed,
        addedCpuUsPerReq: v.addedCpuUsPerReq,
        cpuRatio: v.cpuRatio,
        rpsRatio: v.rpsRatio,
      };
    }
    lines[line] = {
      version: head.version,
      bareLabel: results.results?.[line]?.bare?.label ?? 'bare',
      bareCpuUsPerReq: head.bareCpuUsPerReq,
      keptRounds: head.keptRounds.length,
      slowRounds: head.slowRounds.length,
      variants,
    };
  }
  const { rounds, duration, warmup, connections, maxSpread, slowFactor } = results.config;
  return {
    benchmark: results.benchmark,
    suite: results.config.suite,
    startedAt: results.startedAt,
    incomplete: results.incomplete,
    config: { rounds, duration, warmup, connections, maxSpread, slowFactor },
    environment: { cpu: results.environment.cpus[0], cores: results.environment.cpus.length },
    versions: results.environment.versions,
    lines,
  };
}

const INSTRUCTION_SUITES = new Set(['http-parts-instructions', 'fastify-instructions']);

function summariseInstructions(results) {
  const lines = {};
  for (const r of results.rows) {
    const line = (lines[r.line] ??= { version: r.version, variants: {} });
    // GC left out as well: whether a major collection lands in a window of a few thousand requests
    // moves a run by tens of thousands of instructions per request; it is shown beside.
    line.variants[r.variant] = {
      label: results.what[r.variant] ?? r.variant,
      instructions: Math.round(r.without - r.gc),
      gc: Math.round(r.gc),
    };
  }
  return { benchmark: results.benchmark, startedAt: results.startedAt, requests: results.n, warm: results.warm, lines };
}

const fmt = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const signed = (x, digits) => (x >= 0 ? '+' : '−') + fmt(Math.abs(x), digits);

/** One table cell: the added CPU and its ratio, or why there is no figure. */
function cpuCell(v) {
  if (v.checkFailed) return 'no figure: its pre-run check failed';
  if (!v.cpuRatio.ok) return `cannot tell: ${v.cpuRatio.reason}`;
  const a = v.addedCpuUsPerReq;
  return `${signed(a.median, 1)} µs [${fmt(a.q1, 1)}–${fmt(a.q3, 1)}] ×${fmt(v.cpuRatio.median, 3)}`;
}

function rpsCell(v) {
  if (v.checkFailed) return 'no figure';
  if (!v.rpsRatio.ok) return `cannot tell: ${v.rpsRatio.reason}`;
  const r = v.rpsRatio;
  return `${fmt(r.median, 3)} [${fmt(r.q1, 3)}–${fmt(r.q3, 3)}]`;
}

function markdownTable(rows) {
  const [head, ...body] = rows;
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Variants in the order of the first line that has them, bare left out. */
function variantOrder(summary) {
  const order = [];
  for (const line of Object.values(summary.lines)) {
    for (const v of Object.keys(line.variants)) if (!order.includes(v)) order.push(v);
  }
  return order;
}

/** Node lines newest first (24, 22, 20): the runtimes users run come first. */
const linesOf = (summary) => Object.keys(summary.lines).sort((a, b) => Number(b) - Number(a));

/** Instructions per request by variant, with what each part of Pulse's request path costs. */
function renderInstructions(summary) {
  const rows = [['variant', 'instructions/request', 'vs bare', 'what switching the part off saves', 'GC (left out)']];
  const out = [];
  for (const line of linesOf(summary)) {
    const l = summary.lines[line];
    // Each variant against the bare app of its own framework.
    const bareOf = (variant) =>
      (variant.startsWith('fastify-') ? l.variants['fastify-bare'] : l.variants.bare)?.instructions;
    const pulse = l.variants.pulse?.instructions;
    const table = [...rows];
    for (const [variant, v] of Object.entries(l.variants)) {
      const bare = bareOf(variant);
      table.push([
        v.label,
        v.instructions.toLocaleString('en-US'),
        bare === undefined || variant.endsWith('bare')
          ? ''
          : `${signed((v.instructions - bare) / 1000, 1)}k (×${fmt(v.instructions / bare, 3)})`,
        pulse === undefined || !variant.startsWith('pulse-') ? '' : `${signed((pulse - v.instructions) / 1000, 1)}k`,
        `${signed(v.gc / 1000, 1)}k`,
      ]);
    }
    out.push(`Node ${l.version}:`, '', markdownTable(table), '');
  }
  return [
    `## ${SUITE_TITLES[summary.benchmark]}`,
    '',
    `Run ${summary.startedAt.slice(0, 10)}: callgrind instructions per request (server and a sequential keep-alive`,
    `client in one single-threaded V8; runs of ${summary.warm + summary.requests} and ${summary.warm + 2 * summary.requests}`,
    `requests, their difference over ${summary.requests}; V8's compilers and garbage collector left out). Unlike CPU`,
    'time these repeat whatever else the machine runs, to a few thousand instructions. They count user space only:',
    "the kernel's share of a request (the socket) is not in them. Timer-driven work (default metrics, runtime",
    'sampling) and the dependency signal are off in every Pulse variant here: they cost per second, not per request.',
    '',
    ...out,
  ].join('\n');
}

export function renderSuite(summary, chartFile) {
  if (INSTRUCTION_SUITES.has(summary.benchmark)) return renderInstructions(summary);
  const variants = variantOrder(summary);
  const labelOf = (v) => Object.values(summary.lines).find((l) => l.variants[v])?.variants[v].label ?? v;
  const first = summary.lines[linesOf(summary)[0]];
  const cpu = [['Node', `${first.bareLabel} CPU µs/req`, ...variants.map(labelOf)]];
  const rps = [['Node', ...variants.map(labelOf)]];
  for (const line of linesOf(summary)) {
    const l = summary.lines[line];
    const q = l.bareCpuUsPerReq;
    cpu.push([
      l.version,
      `${fmt(q.median, 1)} [${fmt(q.q1, 1)}–${fmt(q.q3, 1)}]`,
      ...variants.map((v) => (l.variants[v] ? cpuCell(l.variants[v]) : 'not run')),
    ]);
    rps.push([l.version, ...variants.map((v) => (l.variants[v] ? rpsCell(l.variants[v]) : 'not run'))]);
  }
  const c = summary.config;
  const setApart = linesOf(summary)
    .filter((line) => summary.lines[line].slowRounds > 0)
    .map((line) => `Node ${line}: ${summary.lines[line].slowRounds} of ${c.rounds}`);
  return [
    `## ${SUITE_TITLES[summary.benchmark] ?? summary.benchmark}`,
    '',
    `Run ${summary.startedAt.slice(0, 10)} on ${summary.environment.cores} cores (${summary.environment.cpu}):` +
      ` ${c.rounds} interleaved rounds of ${c.warmup} s warm-up + ${c.duration} s per variant, ${c.connections}` +
      ` connections; rounds the machine slowed set apart` +
      (setApart.length > 0 ? ` (${setApart.join(', ')})` : ' (none)') +
      `; "cannot tell" where the per-round ratios spread over ${c.maxSpread} %.` +
      (summary.incomplete ? ' **The run was cut short by its time cap.**' : ''),
    '',
    'Server CPU per request: bare, and what each variant adds (median [interquartile range] of the per-round',
    'differences; ×: ratio to bare).',
    '',
    markdownTable(cpu),
    '',
    'Throughput relative to bare on the same line (median [interquartile range] of per-round req/s ratios):',
    '',
    markdownTable(rps),
    '',
    ...(chartFile ? [`![Added CPU per request, per Node line](${chartFile})`, ''] : []),
  ].join('\n');
}

const PALETTE = ['#3274d9', '#e02f44', '#56a64b', '#ff9830', '#a352cc', '#8f3bb8'];

const escapeXml = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * A horizontal bar chart of the added CPU per request: one group per Node line, one bar per
 * variant, the interquartile range as a whisker. Figures the harness could not tell are drawn as
 * a hatched outline at their median and labelled so.
 */
export function renderChartSvg(summary) {
  const variants = variantOrder(summary);
  const lines = linesOf(summary);
  const bar = 16;
  const gap = 4;
  const groupGap = 18;
  const left = 190;
  const width = 760;
  const plot = width - left - 150;
  const top = 40;
  const values = [];
  for (const line of lines) {
    for (const v of variants) {
      const a = summary.lines[line].variants[v]?.addedCpuUsPerReq;
      if (a) values.push(a.q3, a.median);
    }
  }
  const finite = values.filter(Number.isFinite);
  const maxValue = Math.max(1, ...finite);
  const minValue = Math.min(0, ...finite);
  const x = (value) => left + ((value - minValue) / (maxValue - minValue)) * plot;
  const parts = [];
  let y = top;
  for (const line of lines) {
    const l = summary.lines[line];
    parts.push(`<text x="8" y="${y + 12}" font-weight="bold">Node ${escapeXml(l.version)}</text>`);
    y += 18;
    variants.forEach((v, i) => {
      const entry = l.variants[v];
      if (!entry) return;
      const a = entry.addedCpuUsPerReq;
      parts.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end">${escapeXml(entry.label)}</text>`);
      if (entry.checkFailed) {
        // It measured something else (its route or instrumentation did not answer): no bar at all.
        parts.push(`<text x="${x(0) + 6}" y="${y + 12}">no figure: its pre-run check failed</text>`);
        y += bar + gap;
        return;
      }
      const told = entry.cpuRatio.ok;
      const x0 = x(Math.min(0, a.median));
      const x1 = x(Math.max(0, a.median));
      const color = PALETTE[i % PALETTE.length];
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${y}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${bar}" ` +
          (told ? `fill="${color}"` : `fill="url(#hatch)" stroke="${color}"`) +
          '/>',
      );
      if (Number.isFinite(a.q1) && Number.isFinite(a.q3)) {
        const cy = y + bar / 2;
        parts.push(
          `<line x1="${x(a.q1).toFixed(1)}" y1="${cy}" x2="${x(a.q3).toFixed(1)}" y2="${cy}" stroke="#222" stroke-width="1.5"/>`,
        );
      }
      const text = told ? `${signed(a.median, 1)} µs` : `cannot tell (${signed(a.median, 1)} µs)`;
      parts.push(
        `<text x="${(x(Math.max(a.median, a.q3 || 0)) + 6).toFixed(1)}" y="${y + 12}">${escapeXml(text)}</text>`,
      );
      y += bar + gap;
    });
    y += groupGap;
  }
  const axis = x(0).toFixed(1);
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(SUITE_TITLES[summary.benchmark] ?? summary.benchmark).replace(/`/g, '')}: added server CPU µs per request (median, whisker: interquartile range)</text>`,
    `<line x1="${axis}" y1="${top}" x2="${axis}" y2="${height - 10}" stroke="#888"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** The whole page: an introduction, then one section per published suite. */
export function renderPerformanceDoc(sections) {
  return [
    '# Performance',
    '',
    '<!-- Generated by `npm run generate` (bench/report/performance-doc.mjs) from bench/published/*.json. -->',
    '',
    'What Pulse costs per request, measured by the scripts in `bench/` with a baseline and each peer',
    'side by side in one run, on each Node line. How to reproduce these figures and how the harness',
    'decides it "cannot tell": [bench/README.md](../bench/README.md).',
    '',
    ...sections,
  ].join('\n');
}

/** Suites in a fixed order, so the page reads the same whatever the directory listing says. */
const ORDER = [
  'http-overhead',
  'http-parts-instructions',
  'realistic-request',
  'fastify-overhead',
  'fastify-instructions',
];

/** docs/performance.md and its charts ({ file: svg }) from the published summaries. */
export function renderPage(summaries) {
  const sorted = [...summaries].sort((a, b) => (ORDER.indexOf(a.benchmark) >>> 0) - (ORDER.indexOf(b.benchmark) >>> 0));
  const charts = {};
  const sections = sorted.map((summary) => {
    if (INSTRUCTION_SUITES.has(summary.benchmark)) return renderSuite(summary);
    const chart = `performance-${summary.benchmark}.svg`;
    charts[chart] = renderChartSvg(summary);
    return renderSuite(summary, chart);
  });
  return { markdown: renderPerformanceDoc(sections), charts };
}
