/**
 * Every PromQL expression Pulse ships — the Prometheus rules, the Grafana rules' queries and the
 * dashboards' queries — means the same in Prometheus 2.42 (what promtool tests run) and 3.5 (what
 * the stack runs): it parses with the Prometheus 3 grammar (@prometheus-io/lezer-promql) and with
 * promtool 2.42, and avoids what changed meaning in 3.x (docs/alerts.md, "Prometheus 2 and 3").
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { OUTPUT_PATHS } from '../src/outputs';
import { FAST_INTERVAL, SLOW_INTERVAL } from '../src/recorded';
import { GRAFANA_RANGES, prometheus3Problems, promtoolCheck, seconds } from './prometheus3-check';

const ROOT = path.resolve(__dirname, '../..');
const DASHBOARDS = path.join(ROOT, 'provisioning/dashboards');

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
        // Grafana stores a rule's queries as written (no environment expansion in `model`).
        .map((d): Named => [`Grafana ${r.title} ${d.refId}`, d.model.expr!]),
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
    const verdict = await promtoolCheck(all.map(([, expr]) => expr));
    expect(verdict).toEqual({ ok: true, output: expect.any(String) });
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
