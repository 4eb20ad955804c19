// docs/performance.md is drawn from the harness's verdicts: a figure only where the harness
// printed one, "cannot tell" where it did not, and the page in git is what the published
// summaries render to.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderChartSvg, renderPage, renderSuite, summarise } from '../lib/performance-report.mjs';

const told = (median: number, q1: number, q3: number) => ({
  ok: true,
  n: 10,
  median,
  q1,
  q3,
  spread: (q3 - q1) * 100,
  reason: null,
});
const notTold = (median: number) => ({
  ok: false,
  n: 3,
  median,
  q1: median - 0.1,
  q3: median + 0.1,
  spread: 20,
  reason: '3 usable rounds < 5',
});

/** The shape run.mjs writes (only the fields the page reads, plus one it must drop). */
function results() {
  return {
    benchmark: 'http-overhead',
    startedAt: '2026-12-06T10:46:00.000Z',
    incomplete: false,
    config: { suite: 'express', rounds: 10, duration: 4, warmup: 2, connections: 10, maxSpread: 5, slowFactor: 1.25 },
    environment: { cpus: ['Test CPU', 'Test CPU'], versions: { express: '4.22.3' } },
    runs: [{ huge: 'every run: not kept' }],
    results: {
      '24': {
        bare: { label: 'bare Express' },
        pulse: { label: 'Pulse' },
        'prom-client': { label: 'prom-client histogram' },
      },
      '20': {
        bare: { label: 'bare Express' },
        pulse: { label: 'Pulse' },
        'prom-client': { label: 'prom-client histogram' },
      },
    },
    headline: {
      '24': {
        version: '24.22.3',
        bareCpuUsPerReq: { q1: 41, median: 42, q3: 43, n: 9 },
        keptRounds: [0, 1, 2, 3, 4, 5, 6, 7, 8],
        slowRounds: [{ round: 9, value: 90, vsMedian: 2.1 }],
        variants: {
          'prom-client': {
            checkFailed: false,
            cpuRatio: told(1.1, 1.08, 1.12),
            addedCpuUsPerReq: { q1: 3.5, median: 4.2, q3: 5, n: 9 },
            rpsRatio: told(0.91, 0.9, 0.93),
          },
          pulse: {
            checkFailed: false,
            cpuRatio: told(1.095, 1.09, 1.1),
            addedCpuUsPerReq: { q1: 3.6, median: 4, q3: 4.4, n: 9 },
            rpsRatio: told(0.92, 0.91, 0.93),
          },
        },
      },
      '20': {
        version: '20.20.2',
        bareCpuUsPerReq: { q1: 110, median: 115, q3: 120, n: 10 },
        keptRounds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        slowRounds: [],
        variants: {
          'prom-client': {
            checkFailed: true,
            cpuRatio: told(1, 1, 1),
            addedCpuUsPerReq: { q1: 0, median: 0, q3: 0, n: 10 },
            rpsRatio: told(1, 1, 1),
          },
          pulse: {
            checkFailed: false,
            cpuRatio: notTold(1.07),
            addedCpuUsPerReq: { q1: 6, median: 7.5, q3: 9, n: 3 },
            rpsRatio: notTold(0.93),
          },
        },
      },
    },
  };
}

describe('summarise', () => {
  it('keeps the verdicts and labels per line and drops the runs', () => {
    const s = summarise(results());
    expect(s).not.toHaveProperty('runs');
    expect(s.lines['24'].variants.pulse).toMatchObject({ label: 'Pulse', addedCpuUsPerReq: { median: 4 } });
    expect(s.lines['24']).toMatchObject({ keptRounds: 9, slowRounds: 1, bareLabel: 'bare Express' });
    expect(s.environment).toEqual({ cpu: 'Test CPU', cores: 2 });
  });
});

describe('renderSuite', () => {
  const page = renderSuite(summarise(results()), 'chart.svg');

  it('prints a figure with its interquartile range only where the harness told one', () => {
    expect(page).toContain('| 24.22.3 | 42.0 [41.0–43.0] | +4.2 µs [3.5–5.0] ×1.100 | +4.0 µs [3.6–4.4] ×1.095 |');
    expect(page).toContain('cannot tell: 3 usable rounds < 5');
    expect(page).not.toContain('+7.5 µs');
    expect(page).toContain('no figure: its pre-run check failed');
  });

  it('lists the newest Node line first and says which rounds were set apart', () => {
    expect(page.indexOf('| 24.22.3')).toBeLessThan(page.indexOf('| 20.20.2'));
    expect(page).toContain('rounds the machine slowed set apart (Node 24: 1 of 10)');
    expect(page).toContain('![Added CPU per request, per Node line](chart.svg)');
  });
});

describe('renderChartSvg', () => {
  const svg = renderChartSvg(summarise(results()));

  it('draws one bar per variant and line, hatched and labelled where the harness could not tell', () => {
    // Four variant/line pairs; Node 20's prom-client measured something else: no bar, said so.
    expect(svg.match(/<rect x=/g)).toHaveLength(3);
    expect(svg).toContain('no figure: its pre-run check failed');
    expect(svg).toContain('cannot tell (+7.5 µs)');
    expect(svg).toContain('>+4.0 µs<');
    expect(svg.match(/fill="url\(#hatch\)"/g)).toHaveLength(1);
  });

  it('escapes labels', () => {
    const r = results();
    r.results['24'].pulse.label = 'Pulse <&> "quoted"';
    expect(renderChartSvg(summarise(r))).toContain('Pulse &lt;&amp;&gt; &quot;quoted&quot;');
  });
});

describe('instructions per request (parts.mjs)', () => {
  const parts = {
    benchmark: 'http-parts-instructions',
    startedAt: '2026-12-06T11:00:00.000Z',
    n: 4000,
    warm: 8000,
    what: { bare: 'bare Express', pulse: 'Pulse', 'pulse-header': 'Pulse without: x-trace-id response header' },
    rows: [
      { line: '24', version: 'v24.22.3', variant: 'bare', perRequest: 500000, compile: 90000, gc: 0, without: 410000 },
      {
        line: '24',
        version: 'v24.22.3',
        variant: 'pulse',
        perRequest: 535000,
        compile: 90000,
        gc: 10000,
        without: 445000,
      },
      {
        line: '24',
        version: 'v24.22.3',
        variant: 'pulse-header',
        perRequest: 519000,
        compile: 90000,
        gc: -1000,
        without: 429000,
      },
    ],
  };

  it('tabulates each variant against bare and what switching a part off saves', () => {
    const page = renderSuite(summarise(parts));
    expect(page).toContain('runs of 12000 and 16000');
    // GC left out of the comparison: Pulse 445k - 10k GC, the header variant 429k + 1k.
    expect(page).toContain('| Pulse | 435,000 | +25.0k (×1.061) |  | +10.0k |');
    expect(page).toContain('| Pulse without: x-trace-id response header | 430,000 | +20.0k (×1.049) | +5.0k | −1.0k |');
  });

  it('compares Fastify variants with bare Fastify, not bare Express', () => {
    const fastify = {
      ...parts,
      benchmark: 'fastify-instructions',
      what: { 'fastify-bare': 'bare Fastify', 'fastify-pulse': 'Pulse on Fastify' },
      rows: [
        {
          line: '24',
          version: 'v24.22.3',
          variant: 'fastify-bare',
          perRequest: 300000,
          compile: 0,
          gc: 0,
          without: 300000,
        },
        {
          line: '24',
          version: 'v24.22.3',
          variant: 'fastify-pulse',
          perRequest: 330000,
          compile: 0,
          gc: 0,
          without: 330000,
        },
      ],
    };
    const page = renderSuite(summarise(fastify));
    expect(page).toContain('## Fastify 5: instructions per request');
    expect(page).toContain('| Pulse on Fastify | 330,000 | +30.0k (×1.100) |');
  });

  it('draws no chart for it (renderPage)', () => {
    const { charts, markdown } = renderPage([summarise(parts), summarise(results())]);
    expect(Object.keys(charts)).toEqual(['performance-http-overhead.svg']);
    expect(markdown.indexOf('## Express 4')).toBeLessThan(markdown.indexOf('## Where the Express request path goes'));
  });
});

describe('docs/performance.md', () => {
  it('is what the published summaries render to (npm run generate redraws it)', () => {
    const root = path.join(__dirname, '..', '..');
    const published = path.join(root, 'bench', 'published');
    const summaries = readdirSync(published)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(published, f), 'utf8')));
    expect(summaries.length).toBeGreaterThan(0);
    const { markdown, charts } = renderPage(summaries);
    expect(readFileSync(path.join(root, 'docs', 'performance.md'), 'utf8')).toBe(markdown);
    for (const [file, svg] of Object.entries(charts)) {
      expect(readFileSync(path.join(root, 'docs', file), 'utf8')).toBe(svg);
    }
  });
});
