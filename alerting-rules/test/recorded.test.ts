/**
 * The SLO windows and z-score baselines are recorded once in Prometheus and the alerts compare the
 * recorded series (issue 18, item 3); the stack loads each rule once; the Grafana twin of a PromQL
 * rule fires on exactly the series Prometheus fires on, ±Inf and NaN included (item 1).
 * The promtool side: tests/slo-recording.test.yaml, slo.test.yaml, low-traffic.test.yaml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { alertConfig } from '../src/config';
import { OUTPUT_PATHS } from '../src/outputs';
import { RECORDING_GROUPS } from '../src/recorded';
import { buildRules } from '../src/rules/index';
import type { RuleSet } from '../src/types';
import { promqlNames } from './names';

const ROOT = path.resolve(__dirname, '../..');
const rules = buildRules(alertConfig);
const recorded = new Set(rules.recording.map((r) => r.record));
const readYaml = <T>(file: string): T => parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;

describe('alerts compare recorded series', () => {
  const reading = [
    'PulseErrorBudgetBurnFast',
    'PulseErrorBudgetBurnSlow',
    'PulseRequestRateAnomaly',
    'PulseProbeLatencyAnomaly',
    'PulseErrorRatioAnomaly',
    'PulseLatencyBudgetBurn',
  ];
  const alerts = rules.alerts.filter((r) => reading.includes(r.name));

  it.each(alerts.map((r) => [r.variant ? `${r.name} (${r.variant})` : r.name, r] as const))(
    '%s reads only recorded series, no range',
    (_n, rule) => {
      const expr = rule.kind === 'promql' ? rule.expr : '';
      expect(expr).not.toMatch(/\[/);
      const metrics = [...promqlNames(expr).metrics];
      expect(metrics.length).toBeGreaterThan(0);
      expect(metrics.filter((m) => !recorded.has(m))).toEqual([]);
    },
  );

  it('records every burn-rate window per service and per route with an objective, long windows in the slow group', () => {
    const file = readYaml<{ groups: Array<{ name: string; interval?: string; rules: Array<{ record: string }> }> }>(
      OUTPUT_PATHS.prometheusRecording,
    );
    const groupOf = new Map(file.groups.flatMap((g) => g.rules.map((r) => [r.record, g.name] as const)));
    for (const level of ['job', 'job_http_route']) {
      for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
        const record = `${level}:pulse_slo_errors_per_request:ratio_rate${w}`;
        expect({ record, group: groupOf.get(record) }).toEqual({
          record,
          group: ['1d', '3d'].includes(w) ? RECORDING_GROUPS.slow : RECORDING_GROUPS.fast,
        });
      }
    }
    // The 1-week z-score baselines are slow too.
    const baselines = [...groupOf].filter(([r]) => r.endsWith('_over_time_1w'));
    expect(baselines.length).toBeGreaterThanOrEqual(4);
    for (const [record, group] of baselines)
      expect({ record, group }).toEqual({ record, group: RECORDING_GROUPS.slow });
    // Every series a recording rule reads is recorded by an earlier rule of its own group or by a slower-moving one.
    const order = file.groups.flatMap((g) => g.rules.map((r) => r.record));
    for (const g of file.groups) {
      expect(g.interval).toBeDefined();
      for (const r of g.rules as Array<{ record: string; expr: string }>) {
        for (const m of promqlNames(r.expr).metrics) {
          if (!recorded.has(m) || groupOf.get(m) !== g.name) continue;
          expect({ record: r.record, reads: m, before: order.indexOf(m) < order.indexOf(r.record) }).toEqual({
            record: r.record,
            reads: m,
            before: true,
          });
        }
      }
    }
  });
});

/** Every PromQL query an alert runs (Prometheus and Grafana), by rule. */
function alertQueries(set: RuleSet): Array<[string, string]> {
  return set.alerts.flatMap((r): Array<[string, string]> => {
    const title = r.variant ? `${r.name} (${r.variant})` : r.name;
    if (r.kind === 'promql') return [[title, r.expr]];
    if (r.kind === 'server-lost')
      return [r.downInstancesQuery, r.downCountQuery, r.promExpr].map((q): [string, string] => [title, q]);
    return [];
  });
}

/** Range selectors (and subqueries) over series no recording rule writes, longer than `maxSeconds`. */
function longRawRanges(expr: string, recordedNames: ReadonlySet<string>, maxSeconds: number): string[] {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.name !== 'MatrixSelector' && ref.name !== 'SubqueryExpr') return;
      const node = ref.node;
      const text = expr.slice(node.from, node.to);
      const range = /\[(\w+)(?::\w*)?\]$/.exec(text)?.[1] ?? '';
      const metric = node.getChild('VectorSelector')?.getChild('Identifier');
      const name = metric ? expr.slice(metric.from, metric.to) : '';
      // A subquery re-evaluates its inner expression at every step: raw however recorded its input.
      const raw = ref.name === 'SubqueryExpr' || !recordedNames.has(name);
      if (raw && durationSeconds(range) > maxSeconds) out.push(text);
    },
  });
  return out;
}

function durationSeconds(d: string): number {
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[unit as 'ms'];
  }
  return total;
}

/** Each aggregation over raw series in `expr` (the enclosing aggregation of a range selector, else its function call). */
function rawAggregations(expr: string, recordedNames: ReadonlySet<string>): string[] {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.name !== 'MatrixSelector') return;
      const metric = ref.node.getChild('VectorSelector')?.getChild('Identifier');
      if (metric && recordedNames.has(expr.slice(metric.from, metric.to))) return;
      let at = ref.node.parent;
      let call = at;
      while (at && at.name !== 'AggregateExpr') {
        if (at.name === 'FunctionCall' && call?.name !== 'FunctionCall') call = at;
        at = at.parent;
      }
      const node = at ?? call ?? ref.node;
      out.push(expr.slice(node.from, node.to));
    },
  });
  return out;
}

describe('each raw aggregation is recorded once (issue 18, item 3)', () => {
  it('no two recording rules (nor one twice) compute the same aggregation of raw series', () => {
    const seen = new Map<string, string[]>();
    for (const r of rules.recording)
      for (const a of rawAggregations(r.expr, recorded)) seen.set(a, [...(seen.get(a) ?? []), r.record]);
    expect([...seen].filter(([, by]) => by.length > 1)).toEqual([]);
    expect(seen.size).toBeGreaterThan(3);
  });

  it('the 5xx-ratio anomaly reads the service SLO’s recorded 5m ratio, which records 0 (not NaN) when idle', () => {
    const anomaly = rules.alerts.find((r) => r.name === 'PulseErrorRatioAnomaly')!;
    const ratio = rules.recording.find((r) => r.record === 'job:pulse_slo_errors_per_request:ratio_rate5m')!;
    expect(anomaly.kind === 'promql' && promqlNames(anomaly.expr).metrics.has(ratio.record)).toBe(true);
    expect(ratio.expr).toContain('clamp_min(');
  });

  it('the check finds a duplicate', () => {
    const twice = 'sum by (job) (rate(x_total[5m])) / sum by (job) (rate(x_total[5m]))';
    expect(rawAggregations(twice, new Set())).toEqual([
      'sum by (job) (rate(x_total[5m]))',
      'sum by (job) (rate(x_total[5m]))',
    ]);
    expect(rawAggregations('avg_over_time(y[5m])', new Set())).toEqual(['avg_over_time(y[5m])']);
  });
});

describe('alerts read no long window of raw series (issue 18, item 3)', () => {
  /**
   * Alerts allowed a raw range over 5m, each with the reason. Anything else reading a longer
   * window of raw samples every evaluation (in Prometheus and again in Grafana) is recorded instead.
   */
  const ALLOWED: Record<string, string> = {
    PulseCrashLooping: 'changes() of one series per instance (process_start_time_seconds) over the crash-loop window',
    PulseNPlusOneQueries: 'a rare-event counter: an N+1 finding every few minutes is the signal, 5m would miss it',
    PulseRuleEvaluationFailures:
      'meta-monitoring of the rule engines themselves: must not depend on the recording rules it watches',
    PulseNotificationsFailing: 'meta-monitoring of the notifiers: must not depend on recording rules',
    PulseSeriesDropped: "Pulse's own self-monitoring counter, one series per instance; rare increments",
    PulseInternalErrors: "Pulse's own self-monitoring counter, one series per instance; rare increments",
  };
  const queries = alertQueries(rules);

  it.each(queries.filter(([title]) => !(title.split(' ')[0]! in ALLOWED)))(
    '%s: no range over a raw series longer than 5m',
    (_title, expr) => {
      expect(longRawRanges(expr, recorded, 300)).toEqual([]);
    },
  );

  it('every allowed exception is still needed (the list cannot go stale)', () => {
    for (const name of Object.keys(ALLOWED)) {
      const own = queries.filter(([title]) => title.split(' ')[0] === name);
      expect({ name, long: own.some(([, e]) => longRawRanges(e, recorded, 300).length > 0) }).toEqual({
        name,
        long: true,
      });
    }
  });

  it('the check catches raw ranges and subqueries, not recorded ones or 5m', () => {
    const names = new Set(['job:pulse_slo_errors:rate5m']);
    expect(longRawRanges('sum(rate(http_server_request_duration_seconds_count[1h])) > 1', names, 300)).toEqual([
      'http_server_request_duration_seconds_count[1h]',
    ]);
    expect(longRawRanges('max_over_time(job:pulse_slo_errors:rate5m[10m:1m])', names, 300)).toHaveLength(1);
    expect(longRawRanges('sum_over_time(job:pulse_slo_errors:rate5m[6h]) > 0', names, 300)).toEqual([]);
    expect(longRawRanges('rate(up[5m]) > 0', names, 300)).toEqual([]);
  });
});

describe('the stack loads each rule once', () => {
  const compose = readYaml<{ services: Record<string, { volumes?: string[] }> }>('docker-compose.yml');
  const prometheusYml = readYaml<{ rule_files: string[] }>('provisioning/prometheus/prometheus.yml');

  it('Prometheus loads the recording rules only; Grafana provisions the alert rules', () => {
    expect(compose.services.prometheus?.volumes).toContain('./provisioning/prometheus:/etc/prometheus:ro');
    const loaded = prometheusYml.rule_files.map((f) => path.posix.join('provisioning/prometheus', f));
    expect(loaded).toEqual([OUTPUT_PATHS.prometheusRecording]);
    expect(compose.services.grafana?.volumes).toContain(
      './provisioning/alerting:/etc/grafana/provisioning/alerting:ro',
    );
    expect(path.dirname(OUTPUT_PATHS.grafana)).toBe('provisioning/alerting');
  });

  it('docs/alerts.md says so', () => {
    const docs = fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.docs), 'utf8');
    expect(docs).toContain('Prometheus loads **only** `rules/pulse-recording-rules.yml`');
  });
});

describe('the Grafana twin of a PromQL rule fires on every series the PromQL returns', () => {
  interface Expr {
    refId: string;
    model: { type?: string; reducer?: string; expression?: string; settings?: { mode?: string } };
  }
  const file = readYaml<{ groups: Array<{ rules: Array<{ title: string; condition: string; data: Expr[] }> }> }>(
    OUTPUT_PATHS.grafana,
  );
  const promRules = file.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.data.length === 3 && r.data[0]?.refId === 'A' && r.condition === 'C')
    .filter((r) => r.data[1]?.model.type === 'reduce' && r.data[2]?.model.type === 'math');

  /** Grafana's math on one number: the operators the condition uses, with Go's (and JS's) float semantics. */
  const evaluate = (expression: string, b: number): boolean => {
    const js = expression.replace(/\$B/g, 'B');
    expect(js).toMatch(/^[B\s=!|&<>()0-9.absMath]+$/);
    return Boolean(new Function('B', `return ${js.replace(/abs\(/g, 'Math.abs(')};`)(b));
  };

  it('covers the PromQL rules', () => {
    expect(promRules.length).toBeGreaterThan(20);
  });

  it.each([1, 0, -1, Infinity, -Infinity, NaN])(
    'value %p: reduced as it is (strict) and the condition holds',
    (value) => {
      for (const r of promRules) {
        const [, reduce, math] = r.data;
        expect({ rule: r.title, reducer: reduce!.model.reducer, mode: reduce!.model.settings?.mode ?? '' }).toEqual({
          rule: r.title,
          reducer: 'last',
          mode: '',
        });
        expect({ rule: r.title, fires: evaluate(math!.model.expression!, value) }).toEqual({
          rule: r.title,
          fires: true,
        });
      }
    },
  );
});
