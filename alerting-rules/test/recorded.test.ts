/**
 * The SLO windows and z-score baselines are recorded once in Prometheus and the alerts compare the
 * recorded series (issue 18, item 3); the stack loads each rule once; the Grafana twin of a PromQL
 * rule fires on exactly the series Prometheus fires on, ±Inf and NaN included (item 1).
 * The promtool side: tests/slo-recording.test.yaml, slo.test.yaml, low-traffic.test.yaml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { alertConfig } from '../src/config';
import { OUTPUT_PATHS } from '../src/outputs';
import { RECORDING_GROUPS } from '../src/recorded';
import { buildRules } from '../src/rules/index';
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
    const js = expression.replace(/\$\$B/g, 'B');
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
