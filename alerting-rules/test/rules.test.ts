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
import { ruleTitle } from '../src/render-grafana';
import { promExpr } from '../src/render-prometheus';
import { buildRules } from '../src/rules/index';
import { catalog, logql, promql } from '../src/queries';
import type { AlertRule } from '../src/types';
import { META_LABELS, META_METRICS } from '../src/rules/meta';
import { grafanaLoadsAlerting } from '../../provisioning/test/support/interpolate';
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
            // Templated labels (`{{ .Labels.job }}`) take the series' value; literal ones must match.
            return [...variantKeys].every((k) => own[k]?.includes('{{') || labels[k] === own[k]);
          }),
      );
      expect(fired).toBe(true);
    },
  );

  // The Watchdog fires always, by design (a dead-man's switch): it has no silent case.
  const canBeSilent = promRules.filter((r) => r.name !== 'PulseWatchdog');
  it.each([...new Set(canBeSilent.map((r) => r.name))])('%s is tested silent', (name) => {
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
    ...Object.values(META_METRICS),
    ...rules.recording.map((r) => r.record),
  ]);
  const labelNames = new Set<string>([
    ...catalog.allMetrics.flatMap((m) => m.labelNames),
    ...Object.values(promql.TARGET_LABELS),
    ...Object.values(META_LABELS),
    promql.BUCKET_LABEL,
    // The worker of a clustered instance, on the catalog's per-worker gauges.
    catalog.WORKER_LABEL,
  ]);
  const exprs: Array<[string, string]> = [
    ...promRules.map((r): [string, string] => [r.variant ? `${r.name} (${r.variant})` : r.name, promExpr(r) as string]),
    ...rules.recording.map((r): [string, string] => [r.record, r.expr]),
    ...rules.alerts.flatMap((r): Array<[string, string]> =>
      r.kind === 'server-lost'
        ? [
            [`${r.name} (${r.variant}) Grafana down instances`, r.downInstancesQuery],
            [`${r.name} (${r.variant}) Grafana down count`, r.downCountQuery],
          ]
        : [],
    ),
  ];

  it.each(exprs)('%s', (_n, expr) => {
    const names = promqlNames(expr);
    // `vector(1)` (the Watchdog) names no metric; every other rule reads one.
    if (expr !== 'vector(1)') expect(names.metrics.size).toBeGreaterThan(0);
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
      expect(['critical', 'warning', 'info', 'none']).toContain(r.labels.severity);
      expect(Object.keys(r.annotations).sort()).toEqual(['dashboard_url', 'description', 'runbook_url', 'summary']);
      expect(r.data.map((d) => d.refId)).toContain(r.condition);
    }
  });

  describe('as Grafana loads it (its environment expanded where its provisioning types expand it)', () => {
    // An environment that would show any expansion: each name a rule could mention is set.
    const env = { B: 'EXPANDED', D: 'EXPANDED', E: 'EXPANDED', G: 'EXPANDED', labels: 'EXPANDED', value: 'EXPANDED' };
    const loaded = grafanaLoadsAlerting(file, env).groups.flatMap((g) => g.rules);
    const byTitle = new Map(rules.alerts.map((r) => [ruleTitle(r), r]));
    type Model = { expr?: string; expression?: string; type?: string };
    const model = (d: GrafanaRule['data'][number]) => (d as unknown as { model: Model }).model;

    it('keeps every query as the generator built it (the model is stored raw)', () => {
      for (const r of loaded) {
        const source = byTitle.get(r.title)!;
        const wanted =
          source.kind === 'promql'
            ? [source.expr]
            : source.kind === 'logql'
              ? [source.query]
              : [source.downInstancesQuery, source.downCountQuery, source.gracefulStopsQuery];
        const queries = r.data.map(model).flatMap((m) => (m.expr !== undefined ? [m.expr] : []));
        expect({ rule: r.title, queries }).toEqual({ rule: r.title, queries: wanted });
      }
    });

    it('math expressions name their inputs as Grafana\u2019s parser reads them ($ and letters, an earlier refId)', () => {
      const maths = loaded.flatMap((r) =>
        r.data.filter((d) => model(d).type === 'math').map((d) => ({ rule: r.title, r, d })),
      );
      expect(maths.length).toBeGreaterThan(20);
      for (const { rule, r, d } of maths) {
        const expression = model(d).expression!;
        // Grafana's math lexer: `$` then letters (pkg/expr/mathexp/parse/lex.go); `$$B` is "incomplete variable".
        const vars = [...expression.matchAll(/\$([A-Za-z]*)/g)].map((m) => m[1]);
        const earlier = r.data.slice(0, r.data.indexOf(d)).map((q) => q.refId);
        expect({ rule, expression, bad: vars.filter((v) => !v || !earlier.includes(v)) }).toEqual({
          rule,
          expression,
          bad: [],
        });
      }
    });

    it('titles and labels come out as written ($ escaped where Grafana expands)', () => {
      expect(loaded.map((r) => r.title)).toEqual(all.map((r) => r.title.replace(/\$\$/g, '$')));
      expect(loaded.map((r) => r.title).sort()).toEqual([...byTitle.keys()].sort());
      for (const r of loaded) expect(JSON.stringify(r.labels)).not.toContain('EXPANDED');
    });
  });

  it('queries the configured data sources; server lost joins Prometheus and Loki', () => {
    const lost = all.find((r) => r.title === 'PulseServerLost (demo)')!;
    const uids = lost.data.map((d) => d.datasourceUid);
    expect(uids).toEqual(expect.arrayContaining([alertConfig.datasources.prometheus, alertConfig.datasources.loki]));
    expect(lost.labels.service_name).toBe('demo');
  });

  it('server lost fires per down instance, while the service has more down than graceful stops', () => {
    const lost = all.find((r) => r.title === 'PulseServerLost (demo)')!;
    const model = (refId: string) =>
      (lost.data.find((d) => d.refId === refId) as unknown as { model: { expr?: string; expression?: string } }).model;
    // The instance query keeps one series per instance (no count()): the page names the instance.
    expect(model('A').expr).toBe('up{job="demo"} == 0');
    expect(model('B').expr).toBe('count(up{job="demo"} == 0) or vector(0)');
    // Distinct processes stopped gracefully, not "any stop": one rollout does not hide a crash.
    expect(model('C').expr).toMatch(/^count\(sum by \(service_instance_id\) \(/);
    expect(model(lost.condition).expression).toBe('$D >= 0 && $E > $G');
  });

  it('the new-error rule runs in a slower group and skips services without history (first install)', () => {
    const group = file.groups.find((g) => g.rules.some((r) => r.title === 'PulseNewErrorFingerprint'))!;
    expect(group.interval).toBe(alertConfig.newErrors.evaluateEvery);
    expect(group.rules).toHaveLength(1);
    const rule = rules.alerts.find((r) => r.name === 'PulseNewErrorFingerprint')!;
    const query = rule.kind === 'logql' ? rule.query : '';
    expect(query).toContain(`[${alertConfig.newErrors.history}] offset 15m`);
    expect(query).toMatch(
      /and on \(service_name\) \(sum by \(service_name\) \(count_over_time\(.*\[1h\] offset 143h\)\) > 0\)$/,
    );
  });
});

describe('one label set on every rule (notifications group and name by service)', () => {
  const promFile = parse(fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.prometheusAlerts), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; labels: Record<string, string> }> }>;
  };
  const grafanaFile = parse(fs.readFileSync(path.join(ROOT, OUTPUT_PATHS.grafana), 'utf8')) as {
    groups: Array<{ rules: Array<{ title: string; labels: Record<string, string> }> }>;
  };
  const promLabels = promFile.groups.flatMap((g) => g.rules.map((r) => [r.alert, r.labels] as const));
  const grafanaLabels = grafanaFile.groups.flatMap((g) => g.rules.map((r) => [r.title, r.labels] as const));

  it.each([...promLabels, ...grafanaLabels])('%s carries severity, job and service_name', (_n, labels) => {
    expect(Object.keys(labels)).toEqual(expect.arrayContaining(['severity', 'job', 'service_name']));
    for (const key of ['job', 'service_name'])
      expect(labels[key]).toMatch(/^([a-z][\w-]*|\{\{ \.Labels\.(job|service_name) \}\})$/);
  });

  it('Loki rules copy service_name into job, Prometheus rules job into service_name', () => {
    const logRule = rules.alerts.find((r) => r.name === 'PulseErrorBurst')!;
    expect(logRule.labels).toMatchObject({
      job: '{{ .Labels.service_name }}',
      service_name: '{{ .Labels.service_name }}',
    });
    const promRule = rules.alerts.find((r) => r.name === 'PulseHighErrorRatio')!;
    expect(promRule.labels).toMatchObject({ job: '{{ .Labels.job }}', service_name: '{{ .Labels.job }}' });
  });

  it('configured aggregation labels join job / service_name in every grouping and match', () => {
    const withCluster = buildRules({ ...alertConfig, aggregationLabels: ['cluster', 'env'] });
    const queriesOf = (set: typeof rules) => [
      ...set.recording.map((r) => r.expr),
      ...set.alerts.flatMap((r) =>
        r.kind === 'promql'
          ? [r.expr]
          : r.kind === 'logql'
            ? [r.query]
            : [r.downInstancesQuery, r.downCountQuery, r.gracefulStopsQuery, r.promExpr],
      ),
    ];
    const queries = queriesOf(withCluster);
    const lists = queries.flatMap((q) => [...q.matchAll(/\b(?:by|on) \(([^()]*)\)/g)].map((m) => m[1]!.split(', ')));
    const anchored = lists.filter((l) => l.includes('job') || l.includes('service_name'));
    expect(anchored.length).toBeGreaterThan(30);
    for (const list of anchored) expect(list).toEqual(expect.arrayContaining(['cluster', 'env']));
    // The default adds nothing (the docs may say "cluster": node:cluster, PM2 cluster mode).
    expect(queriesOf(rules).filter((q) => q.includes('cluster'))).toEqual([]);
    expect(rules.alerts.filter((r) => JSON.stringify(r.labels ?? {}).includes('cluster'))).toEqual([]);
  });
});

describe('crashes and restarts', () => {
  it('one crash is a warning per process (Loki); a crash loop is critical (Prometheus)', () => {
    const crashed = rules.alerts.find((r) => r.name === 'PulseProcessCrashed')!;
    expect(crashed.severity).toBe('warning');
    expect(crashed.kind === 'logql' && crashed.query).toMatch(/^sum by \(service_name, service_instance_id\)/);
    expect(rules.alerts.find((r) => r.name === 'PulseCrashLooping')!.severity).toBe('critical');
  });

  it('a latency SLO threshold that is not a bucket boundary is refused, naming the field', () => {
    expect(() =>
      buildRules({ ...alertConfig, latencySlo: { ...alertConfig.latencySlo, thresholdSeconds: 0.3 } }),
    ).toThrow(/^latencySlo\.thresholdSeconds: 0\.3 is not a bucket boundary/);
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
    expect(promExpr(latency[1]!)).toMatch(/http_route=~"\/a".*> 0\.3 and on \(job, http_route\) .*>= 20$/);
    const fast = named('PulseErrorBudgetBurnFast');
    expect(fast.map((r) => r.variant)).toEqual([undefined, '/b']);
    // 99 % objective: budget 0.01.
    expect(promExpr(fast[1]!)).toContain('/ 0.01 > 14.4');
    // Minimum traffic: ⌈1 / (6 × 0.01)⌉ = 17 requests in the long window (one failure stays under 6x).
    expect(promExpr(fast[1]!)).toContain('job_http_route:pulse_slo_requests:increase1h{http_route=~"/b"} >= 17');
  });
});

// logql is imported for its names only.
void logql;
