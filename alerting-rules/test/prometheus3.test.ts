/**
 * Every PromQL expression Pulse ships — the Prometheus rules, the Grafana rules' queries and the
 * dashboards' queries — means the same in Prometheus 2.42 (what promtool tests run) and 3.5 (what
 * the stack runs): it parses with the Prometheus 3 grammar (@prometheus-io/lezer-promql) and with
 * promtool 2.42, and avoids what changed meaning in 3.x (docs/alerts.md, "Prometheus 2 and 3").
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { OUTPUT_PATHS } from '../src/outputs';
import { catalog } from '../src/queries';
import { FAST_INTERVAL, SLOW_INTERVAL } from '../src/recorded';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const PROMTOOL = '/usr/bin/promtool';
const DASHBOARDS = path.join(ROOT, 'provisioning/dashboards');

const seconds = (d: string): number => {
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[unit as 'ms'];
  }
  return total;
};

const promConfig = parse(fs.readFileSync(path.join(ROOT, 'provisioning/prometheus/prometheus.yml'), 'utf8')) as {
  global: { scrape_interval: string };
};
/** A rate over raw series reads at least four scrape intervals: one sample more or less (2.x's closed start) does not matter. */
const MIN_RAW_RANGE = 4 * seconds(promConfig.global.scrape_interval);
/** …and over recorded series, four of the fastest recording interval. */
const MIN_RECORDED_RANGE = 4 * seconds(FAST_INTERVAL);
/** Grafana's range variables, as the narrowest value Grafana gives them ($__rate_interval ≥ 4 scrape intervals). */
const GRAFANA_RANGES: Record<string, string> = {
  $__rate_interval: `${MIN_RAW_RANGE}s`,
  $__interval: `${MIN_RAW_RANGE}s`,
  $__range: '1h',
  $__auto: `${MIN_RAW_RANGE}s`,
};

/** Labels whose values cannot hold a newline: a regex `.` on them means the same in 2.x and 3.x. */
const NEWLINE_FREE = new Set(['http_response_status_code', 'http_route', 'job', 'instance', 'le', 'quantile']);
/** Removed or renamed in 3.x, or 3.x-only. */
const BANNED_FUNCTIONS = new Set([
  'holt_winters',
  'double_exponential_smoothing',
  'info',
  'sort_by_label',
  'sort_by_label_desc',
]);
/** Every value `le` or `quantile` takes: the catalog's bucket boundaries and the usual quantiles. */
const FLOAT_LABEL_VALUES = [
  ...new Set([
    ...catalog.allMetrics.flatMap((m) => ('buckets' in m && Array.isArray(m.buckets) ? (m.buckets as number[]) : [])),
    0.5,
    0.9,
    0.95,
    0.99,
    1,
  ]),
];
/** How 2.x (prom-client's exposition) and 3.x (normalised to floats) spell a bucket boundary. */
const spellings = (v: number): [string, string] => [String(v), Number.isInteger(v) ? `${v}.0` : String(v)];

/** A PromQL string literal's value. */
function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`);
  return JSON.parse(literal) as string;
}

/** True when the regex has a `.` outside a character class that is not escaped. */
function hasBareDot(re: string): boolean {
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '.') return true;
  }
  return false;
}

/** What in `expr` reads differently in Prometheus 2 and 3 (empty when nothing). */
export function prometheus3Problems(expr: string): string[] {
  const problems: string[] = [];
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const tree = parser.parse(expr);
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (ref.type.isError)
        problems.push(`does not parse at ${ref.from}: ${JSON.stringify(expr.slice(ref.from, ref.from + 20))}`);
      if (ref.name === 'QuotedLabelMatcher' || ref.name === 'QuotedLabelName')
        problems.push(`quoted (UTF-8) label name ${text(node)}: 3.x only`);
      if (ref.name === 'SubqueryExpr')
        problems.push(`subquery ${text(node)}: its step alignment and left-open range differ in 3.x`);
      if (ref.name === 'FunctionIdentifier' && BANNED_FUNCTIONS.has(text(node)))
        problems.push(`${text(node)}: removed, renamed or new in 3.x`);
      if (ref.name === 'Identifier' && BANNED_FUNCTIONS.has(text(node)))
        problems.push(`${text(node)}: removed, renamed or new in 3.x`);
      if (ref.name === 'UnquotedLabelMatcher') {
        const label = text(node.getChild('LabelName')!);
        const op = text(node.getChild('MatchOp')!);
        const value = unquote(text(node.getChild('StringLiteral')!));
        if ((label === 'le' || label === 'quantile') && !value.includes('$')) {
          if (op === '=' || op === '!=') {
            const n = Number(value);
            const same = value === '+Inf' || (Number.isFinite(n) && !Number.isInteger(n) && String(n) === value);
            if (!same) problems.push(`${text(node)}: 2.x and 3.x spell this value differently (1 vs 1.0)`);
          } else {
            const re = new RegExp(`^(?:${value})$`);
            for (const v of FLOAT_LABEL_VALUES) {
              const [two, three] = spellings(v);
              if (re.test(two) !== re.test(three))
                problems.push(`${text(node)} matches ${two} and ${three} differently`);
            }
          }
        }
        if ((op === '=~' || op === '!~') && hasBareDot(value) && !NEWLINE_FREE.has(label)) {
          problems.push(`${text(node)}: "." matches a newline in 3.x, not in 2.x`);
        }
      }
      if (ref.name === 'FunctionCall' && text(node.getChild('FunctionIdentifier')!) === 'label_replace') {
        const args = node
          .getChild('FunctionCallBody')!
          .getChildren('StringLiteral')
          .map((s) => unquote(text(s)));
        const [, , source, regex] = args;
        if (regex !== undefined && hasBareDot(regex) && !NEWLINE_FREE.has(source ?? '')) {
          problems.push(`label_replace regex ${JSON.stringify(regex)} over ${source}: "." matches a newline in 3.x`);
        }
      }
      if (ref.name === 'MatrixSelector') {
        const range = seconds(text(node.getChild('DurationExpr') ?? node.lastChild!));
        const name = text(node.getChild('VectorSelector')?.getChild('Identifier') ?? node);
        const min = name.includes(':') ? MIN_RECORDED_RANGE : MIN_RAW_RANGE;
        if (range < min) problems.push(`${text(node)}: a range under ${min}s changes with 3.x's left-open start`);
      }
    },
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Every expression Pulse ships

type Named = [string, string];

function ruleFileExprs(file: string): Named[] {
  const doc = parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as {
    groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
  };
  return doc.groups.flatMap((g) => g.rules.map((r): Named => [`${file}: ${r.alert ?? r.record}`, r.expr]));
}

function grafanaExprs(): Named[] {
  const doc = parse(fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.grafana), 'utf8')) as {
    groups: Array<{
      rules: Array<{
        title: string;
        data: Array<{ refId: string; model: { datasource?: { type?: string }; expr?: string } }>;
      }>;
    }>;
  };
  return doc.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.data
        .filter((d) => d.model.datasource?.type === 'prometheus' && typeof d.model.expr === 'string')
        // Provisioning files write `$` as `$$` (Grafana expands $VAR there).
        .map((d): Named => [`Grafana ${r.title} ${d.refId}`, d.model.expr!.replace(/\$\$/g, '$')]),
    ),
  );
}

function dashboardExprs(): Named[] {
  const out: Named[] = [];
  const walk = (file: string, value: unknown): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(file, v));
    if (!value || typeof value !== 'object') return;
    const o = value as { expr?: unknown; datasource?: { type?: string }; refId?: string };
    if (typeof o.expr === 'string' && o.datasource?.type === 'prometheus') {
      const expr = o.expr.replace(/\$__\w+/g, (v) => GRAFANA_RANGES[v] ?? v);
      out.push([`${file} ${o.refId ?? ''}: ${o.expr.slice(0, 60)}`, expr]);
    }
    for (const v of Object.values(o)) walk(file, v);
  };
  for (const f of fs.readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    walk(f, JSON.parse(fs.readFileSync(path.join(DASHBOARDS, f), 'utf8')));
  }
  return out;
}

const prometheusRules = [
  ...ruleFileExprs(OUTPUT_PATHS.prometheusAlerts),
  ...ruleFileExprs(OUTPUT_PATHS.prometheusRecording),
];
const grafanaRules = grafanaExprs();
const dashboards = dashboardExprs();
const all = [...prometheusRules, ...grafanaRules, ...dashboards];

describe('PromQL that reads the same in Prometheus 2.42 and 3.x', () => {
  it('collects the Prometheus rules, the Grafana rules and the dashboards', () => {
    expect(prometheusRules.length).toBeGreaterThan(30);
    expect(grafanaRules.length).toBeGreaterThan(20);
    expect(dashboards.length).toBeGreaterThan(30);
  });

  it.each(all)('%s', (_name, expr) => {
    expect(prometheus3Problems(expr)).toEqual([]);
  });

  it('every expression also parses in promtool 2.42', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-prom3-'));
    const file = path.join(dir, 'all.yml');
    const rules = all.map(([, expr], i) => ({ record: `pulse_check:expr_${i}`, expr }));
    fs.writeFileSync(file, stringify({ groups: [{ name: 'all', rules }] }));
    try {
      const { stdout } = await run(PROMTOOL, ['check', 'rules', file]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('recording groups run well inside the 5m lookback (3.x drops a sample exactly 5m old)', () => {
    const doc = parse(fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.prometheusRecording), 'utf8')) as {
      groups: Array<{ name: string; interval?: string }>;
    };
    const intervals = doc.groups.map((g) => g.interval);
    expect(intervals).toEqual(expect.arrayContaining([FAST_INTERVAL, SLOW_INTERVAL]));
    for (const i of intervals) expect(seconds(i ?? '0s')).toBeLessThanOrEqual(seconds('5m') - 2 * 60);
  });
});

describe('the check itself', () => {
  it.each([
    ['le value spelled differently in 3.x', 'http_server_request_duration_seconds_bucket{le="1"}', 'spell this value'],
    ['le value in the 3.x spelling', 'http_server_request_duration_seconds_bucket{le="1.0"}', 'spell this value'],
    [
      'le regex matching only one spelling',
      'rate(http_server_request_duration_seconds_bucket{le=~"1|2.5"}[5m])',
      'differently',
    ],
    ['holt_winters', 'holt_winters(pulse_x[1h], 0.5, 0.5)', 'parse'],
    ['double_exponential_smoothing', 'double_exponential_smoothing(pulse_x[1h], 0.5, 0.5)', '3.x'],
    ['a newline-sensitive regex', 'pulse_errors_total{error_message=~"timeout.*"}', 'newline'],
    ['a newline-sensitive label_replace', 'label_replace(up, "x", "$1", "error_message", "(.*)")', 'newline'],
    ['a range of two scrape intervals', 'rate(up[30s])', 'left-open'],
    ['a subquery', 'max_over_time(rate(up[5m])[1h:1m])', 'subquery'],
    ['a UTF-8 quoted name', '{"my.metric", job="a"}', '3.x only'],
  ])('rejects %s', (_name, expr, problem) => {
    const problems = prometheus3Problems(expr);
    expect(problems.join('\n')).toContain(problem);
  });

  it.each([
    ['canonical non-integer le', 'sum(rate(x_bucket{le="0.5"}[5m]))'],
    ['+Inf', 'sum(rate(x_bucket{le="+Inf"}[5m]))'],
    ['an integer boundary in both spellings', 'sum(rate(x_bucket{le=~"1(\\\\.0)?"}[5m]))'],
    ['a dot on a status code', 'sum(rate(x_count{http_response_status_code=~"5.."}[5m]))'],
    ['an escaped dot', 'x{error_message=~"a\\\\.b"}'],
    ['a recorded 30m window', 'sum_over_time(job:pulse_slo_errors:rate5m[30m])'],
  ])('accepts %s', (_name, expr) => {
    expect(prometheus3Problems(expr)).toEqual([]);
  });
});
