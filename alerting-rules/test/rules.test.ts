/**
 * The alert rules, end to end on this machine: the committed files are what the generator
 * writes, promtool checks and unit-tests every PromQL rule (each one fires when it should and is
 * silent when it should not), every LogQL query parses with @grafana/lezer-logql, and every metric
 * and label a rule names exists in the catalog (or is Prometheus's / the blackbox exporter's).
 */
import { parser } from '@grafana/lezer-logql';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { alertConfig, type AlertConfig } from '../src/config';
import { generateOutputs, OUTPUT_PATHS } from '../src/outputs';
import { promExpr } from '../src/render-prometheus';
import { buildRules } from '../src/rules/index';
import { catalog, logql, promql } from '../src/queries';
import type { AlertRule } from '../src/types';
import { promqlNames } from './names';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const TESTS = path.resolve(__dirname, '../tests');
const PROMTOOL = '/usr/bin/promtool';
const rules = buildRules(alertConfig);
const promRules = rules.alerts.filter((r) => promExpr(r) !== undefined);

describe('generated files', () => {
  it('are up to date with alerting-rules/src (run `npm run generate` after a change)', () => {
    for (const [file, content] of Object.entries(generateOutputs(alertConfig))) {
      expect({ file, content: fs.readFileSync(path.join(ROOT, file), 'utf8') }).toEqual({ file, content });
    }
  });

  it('pass `promtool check rules`', async () => {
    const files = [OUTPUT_PATHS.prometheusRecording, OUTPUT_PATHS.prometheusAlerts].map((f) => path.join(ROOT, f));
    const { stdout } = await run(PROMTOOL, ['check', 'rules', ...files]);
    expect(stdout).toContain(`SUCCESS: ${promRules.length} rules found`);
    expect(stdout).toContain(`SUCCESS: ${rules.recording.length} rules found`);
  });
});

describe('promtool unit tests', () => {
  const testFiles = fs.readdirSync(TESTS).filter((f) => f.endsWith('.test.yaml'));

  it('pass `promtool test rules` (fires when it should, silent when it should not)', async () => {
    const { stdout, stderr } = await run(PROMTOOL, ['test', 'rules', ...testFiles], { cwd: TESTS }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(`${stdout}${stderr}`).not.toContain('FAILED');
    expect(stdout.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  }, 120_000);

  // Every PromQL rule (each route / service variant included) is expected to fire in some test,
  // and every alert name is asserted silent (`exp_alerts: []`) at least once.
  interface Expectation {
    alertname: string;
    exp_alerts?: Array<{ exp_labels?: Record<string, string> }>;
  }
  const expectations: Expectation[] = testFiles.flatMap((f) => {
    const doc = parse(fs.readFileSync(path.join(TESTS, f), 'utf8')) as {
      tests: Array<{ alert_rule_test?: Expectation[] }>;
    };
    return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
  });
  const variantKeys = new Set(promRules.flatMap((r) => Object.keys(r.labels ?? {})));

  it.each(promRules.map((r) => [r.variant ? `${r.name} (${r.variant})` : r.name, r] as const))(
    '%s is tested firing',
    (_t, rule) => {
      const own = rule.labels ?? {};
      const fired = expectations.some(
        (e) =>
          e.alertname === rule.name &&
          (e.exp_alerts ?? []).some((a) => {
            const labels = a.exp_labels ?? {};
            if (labels.severity !== rule.severity) return false;
            return [...variantKeys].every((k) => labels[k] === own[k]);
          }),
      );
      expect(fired).toBe(true);
    },
  );

  it.each([...new Set(promRules.map((r) => r.name))])('%s is tested silent', (name) => {
    expect(expectations.some((e) => e.alertname === name && (e.exp_alerts ?? []).length === 0)).toBe(true);
  });
});

describe('LogQL rules', () => {
  const queries = rules.alerts.flatMap((r): Array<[string, string]> => {
    if (r.kind === 'logql') return [[r.name, r.query]];
    if (r.kind === 'server-lost') return [[`${r.name} (${r.variant})`, r.gracefulStopsQuery]];
    return [];
  });
  const known = new Set<string>([...Object.values(catalog.LOKI_LABELS), ...catalog.LOG_METADATA_KEYS]);

  it('include the log-based rule types (new fingerprint, burst, pattern) and the server-lost half', () => {
    const names = queries.map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining(['PulseNewErrorFingerprint', 'PulseErrorBurst', 'PulseLogPatternConnectionRefused']),
    );
    expect(names.filter((n) => n.startsWith('PulseServerLost'))).toHaveLength(alertConfig.services.length);
  });

  it.each(queries)('%s parses with lezer-logql and names only catalog labels', (_n, query) => {
    const errors: number[] = [];
    const names: string[] = [];
    parser.parse(query).iterate({
      enter(ref) {
        if (ref.type.isError) errors.push(ref.from);
        if (ref.name === 'Matcher') names.push(query.slice(ref.node.firstChild!.from, ref.node.firstChild!.to));
        if (ref.name === 'Grouping') {
          const labels = query.slice(ref.from, ref.to).replace(/^\w+\s*\(|\)$/g, '');
          names.push(
            ...labels
              .split(',')
              .map((l) => l.trim())
              .filter(Boolean),
          );
        }
      },
    });
    expect(errors).toEqual([]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('PromQL rules name only what exists', () => {
  const metricNames = new Set<string>([
    ...catalog.allMetrics.flatMap((m) =>
      m.type === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => m.name + s) : [m.name],
    ),
    ...catalog.DEFAULT_METRIC_NAMES,
    ...Object.values(promql.PROMETHEUS_METRICS),
    ...Object.values(promql.BLACKBOX_METRICS),
    ...rules.recording.map((r) => r.record),
  ]);
  const labelNames = new Set<string>([
    ...catalog.allMetrics.flatMap((m) => m.labelNames),
    ...Object.values(promql.TARGET_LABELS),
    promql.BUCKET_LABEL,
  ]);
  const exprs: Array<[string, string]> = [
    ...promRules.map((r): [string, string] => [r.variant ? `${r.name} (${r.variant})` : r.name, promExpr(r) as string]),
    ...rules.recording.map((r): [string, string] => [r.record, r.expr]),
    ...rules.alerts.flatMap((r): Array<[string, string]> =>
      r.kind === 'server-lost' ? [[`${r.name} Grafana query`, r.downQuery]] : [],
    ),
  ];

  it.each(exprs)('%s', (_n, expr) => {
    const names = promqlNames(expr);
    expect(names.metrics.size).toBeGreaterThan(0);
    expect([...names.metrics].filter((m) => !metricNames.has(m))).toEqual([]);
    expect([...names.labels].filter((l) => !labelNames.has(l))).toEqual([]);
  });

  it('the name check itself catches an unknown metric and label', () => {
    const names = promqlNames('sum by (job, nope_label) (rate(http_requests_total{bogus="1"}[5m])) > 2');
    expect([...names.metrics]).toEqual(['http_requests_total']);
    expect([...names.labels].sort()).toEqual(['bogus', 'job', 'nope_label']);
    expect([...names.functions].sort()).toEqual(['rate', 'sum']);
  });
});

describe('Grafana provisioning file', () => {
  interface GrafanaRule {
    uid: string;
    title: string;
    condition: string;
    data: Array<{ refId: string; datasourceUid: string }>;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }
  const file = parse(fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.grafana), 'utf8')) as {
    apiVersion: number;
    groups: Array<{ name: string; folder: string; interval: string; rules: GrafanaRule[] }>;
  };
  const all = file.groups.flatMap((g) => g.rules);

  it('holds every rule once, with a unique valid uid and title', () => {
    expect(file.apiVersion).toBe(1);
    expect(all).toHaveLength(rules.alerts.length);
    const uids = all.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(new Set(all.map((r) => r.title)).size).toBe(all.length);
  });

  it('gives every rule severity, summary, description and runbook_url, and a condition it defines', () => {
    for (const r of all) {
      expect(['critical', 'warning', 'info']).toContain(r.labels.severity);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(r.data.map((d) => d.refId)).toContain(r.condition);
    }
  });

  it('escapes every $ in queries and expressions ($$), as Grafana expands $VAR in provisioning files', () => {
    const raw = JSON.stringify(all.map((r) => r.data));
    expect(raw).toContain('$$B');
    expect(raw.replace(/\$\$/g, '')).not.toContain('$');
  });

  it('queries the configured data sources; server lost joins Prometheus and Loki', () => {
    const lost = all.find((r) => r.title === 'PulseServerLost (demo)')!;
    const uids = lost.data.map((d) => d.datasourceUid);
    expect(uids).toEqual(expect.arrayContaining([alertConfig.datasources.prometheus, alertConfig.datasources.loki]));
    expect(lost.labels.service_name).toBe('demo');
  });
});

describe('per-route config', () => {
  const config: AlertConfig = {
    ...alertConfig,
    routes: [
      { route: '/a', latencyP95Seconds: 0.3 },
      { route: '/b', objective: 0.99 },
    ],
  };
  const named = (name: string): AlertRule[] => buildRules(config).alerts.filter((r) => r.name === name);

  it('turns each route pattern into its own latency and SLO rules, excluded from the default', () => {
    const latency = named('PulseHighLatency');
    expect(latency.map((r) => r.variant)).toEqual([undefined, '/a']);
    expect(promExpr(latency[0]!)).toContain('http_route!~"/a"');
    expect(promExpr(latency[1]!)).toMatch(/http_route=~"\/a".*> 0\.3$/);
    const fast = named('PulseErrorBudgetBurnFast');
    expect(fast.map((r) => r.variant)).toEqual([undefined, '/b']);
    // 99 % objective: budget 0.01.
    expect(promExpr(fast[1]!)).toContain('/ 0.01 > 14.4');
  });
});

// logql is imported for its names only.
void logql;
