/**
 * What in a PromQL expression reads differently in Prometheus 2.42 (what promtool tests run) and
 * 3.x (what the stack runs): the Prometheus 3 grammar (@prometheus-io/lezer-promql) plus the
 * constructs whose meaning changed (docs/alerts.md, "Prometheus 2 and 3"). Shared by
 * prometheus3.test.ts (rules, dashboards) and the Grafana app's own check
 * (grafana-plugin/src/prometheus3.test.ts).
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { catalog } from '../src/queries';
import { FAST_INTERVAL } from '../src/recorded';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';

export const seconds = (d: string): number => {
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
export const MIN_RAW_RANGE = 4 * seconds(promConfig.global.scrape_interval);
/** …and over recorded series, four of the fastest recording interval. */
export const MIN_RECORDED_RANGE = 4 * seconds(FAST_INTERVAL);
/** Grafana's range variables, as the narrowest value Grafana gives them ($__rate_interval ≥ 4 scrape intervals). */
export const GRAFANA_RANGES: Record<string, string> = {
  $__rate_interval: `${MIN_RAW_RANGE}s`,
  $__interval: `${MIN_RAW_RANGE}s`,
  $__range: '1h',
  $__auto: `${MIN_RAW_RANGE}s`,
};

/** Labels whose values cannot hold a newline (and why): a regex `.` on them means the same in 2.x and 3.x. */
const NEWLINE_FREE_LABELS: Record<string, string> = {
  http_response_status_code: 'three digits',
  http_route: 'an Express route template, written by the exporter',
  http_request_method: 'the exporter folds methods into a closed set (GET … _OTHER)',
  error_type: "closed sets (ERROR_TYPES, dependency classes) or the db driver's code, filtered to [A-Za-z0-9_.-]",
  job: 'a scrape job name (Prometheus config)',
  instance: 'host:port of a scrape target',
  env: "the deployment's target label, set in the operator's scrape config, never from request data",
  le: 'a float',
  quantile: 'a float',
};
const NEWLINE_FREE = new Set(Object.keys(NEWLINE_FREE_LABELS));
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

/** promtool 2.42's verdict on `exprs` (each as a recording rule): its output, or its error. */
export async function promtoolCheck(exprs: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-prom3-'));
  const file = path.join(dir, 'all.yml');
  const rules = exprs.map((expr, i) => ({ record: `pulse_check:expr_${i}`, expr }));
  fs.writeFileSync(file, stringify({ groups: [{ name: 'all', rules }] }));
  try {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', file]);
    return { ok: stdout.includes(`SUCCESS: ${rules.length} rules found`), output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
