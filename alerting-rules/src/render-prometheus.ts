import type { AlertRule, RecordingRule, RuleSet } from './types';

// The Prometheus-format mirror: every PromQL rule as a Prometheus rule group, what promtool
// checks and tests and what a Prometheus + Alertmanager setup can load instead of Grafana's rules.

export interface PromRuleFile {
  groups: Array<{ name: string; interval?: string; rules: Array<Record<string, unknown>> }>;
}

/** The PromQL of an alert, or undefined for Loki rules (Prometheus cannot query Loki). */
export function promExpr(rule: AlertRule): string | undefined {
  if (rule.kind === 'promql') return rule.expr;
  if (rule.kind === 'server-lost') return rule.promExpr;
  return undefined;
}

function groupBy<T extends { group: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.group, [...(groups.get(item.group) ?? []), item]);
  return groups;
}

export function runbookUrl(base: string, rule: AlertRule): string {
  return `${base}#${rule.name.toLowerCase()}`;
}

function alertEntry(rule: AlertRule, expr: string, runbookBase: string): Record<string, unknown> {
  return {
    alert: rule.name,
    expr,
    for: rule.for,
    labels: { severity: rule.severity, ...(rule.labels ?? {}) },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      runbook_url: runbookUrl(runbookBase, rule),
      ...(rule.dashboardUrl ? { dashboard_url: rule.dashboardUrl } : {}),
    },
  };
}

export function prometheusAlertFile(rules: RuleSet, runbookBase: string): PromRuleFile {
  const withExpr = rules.alerts.flatMap((r) => {
    const expr = promExpr(r);
    return expr === undefined ? [] : [{ rule: r, expr, group: r.group }];
  });
  return {
    groups: [...groupBy(withExpr)].map(([name, items]) => ({
      name,
      rules: items.map((i) => alertEntry(i.rule, i.expr, runbookBase)),
    })),
  };
}

export function prometheusRecordingFile(recording: readonly RecordingRule[]): PromRuleFile {
  return {
    groups: [...groupBy(recording)].map(([name, items]) => {
      const intervals = new Set(items.map((r) => r.interval));
      if (intervals.size > 1) throw new Error(`recording group ${name} mixes intervals: ${[...intervals].join(', ')}`);
      const interval = items[0]?.interval;
      return {
        name,
        ...(interval ? { interval } : {}),
        rules: items.map((r) => ({ record: r.record, expr: r.expr })),
      };
    }),
  };
}
