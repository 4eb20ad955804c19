import { appUrl } from '../../provisioning/src/names';
import { logql, promql } from './queries';
import type { AlertRule, RecordingRule } from './types';

// One label set on every rule, so notifications group by service and the app's "Active alerts"
// can filter on either name: `job` (Prometheus) and `service_name` (Loki), both naming the
// service, plus `severity`. And the aggregation labels (`env`, `cluster` …) kept beside them in
// every `by (…)` / `on (…)`, as the monitoring mixins do with their `clusterLabel`.

export const JOB_LABEL = promql.TARGET_LABELS.job;
export const SERVICE_LABEL = logql.LOKI_LABELS.serviceName;

/**
 * A label template copying another label, in the syntax Prometheus and Grafana share. `.Labels`
 * rather than `$labels`: Grafana expands `$VAR` in provisioning files.
 */
export function copyLabel(from: string): string {
  return `{{ .Labels.${from} }}`;
}

/** The rule's labels with `job` and `service_name` both present (one copied from the other). */
export function serviceLabels(rule: AlertRule): Record<string, string> {
  const own = rule.labels ?? {};
  const fromLoki = rule.kind === 'logql';
  return {
    [JOB_LABEL]: own[JOB_LABEL] ?? (fromLoki ? copyLabel(SERVICE_LABEL) : copyLabel(JOB_LABEL)),
    [SERVICE_LABEL]: own[SERVICE_LABEL] ?? (fromLoki ? copyLabel(SERVICE_LABEL) : copyLabel(JOB_LABEL)),
    ...own,
  };
}

/** Every grouping list naming one of `anchors` also keeps `extra` (appended, without duplicates). */
export function threadLabels(expr: string, anchors: readonly string[], extra: readonly string[]): string {
  if (extra.length === 0) return expr;
  return expr.replace(/\b(by|on) \(([^()]*)\)/g, (whole, keyword: string, list: string) => {
    const names = list
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (!names.some((n) => anchors.includes(n))) return whole;
    return `${keyword} (${[...names, ...extra.filter((e) => !names.includes(e))].join(', ')})`;
  });
}

const ANCHORS = [JOB_LABEL, SERVICE_LABEL];

/** The rule with the aggregation labels threaded through every query it runs. */
export function withAggregationLabels(rule: AlertRule, extra: readonly string[]): AlertRule {
  const t = (q: string) => threadLabels(q, ANCHORS, extra);
  switch (rule.kind) {
    case 'promql':
      return { ...rule, expr: t(rule.expr) };
    case 'logql':
      return { ...rule, query: t(rule.query) };
    case 'server-lost':
      return {
        ...rule,
        downInstancesQuery: t(rule.downInstancesQuery),
        downCountQuery: t(rule.downCountQuery),
        gracefulStopsQuery: t(rule.gracefulStopsQuery),
        promExpr: t(rule.promExpr),
      };
  }
}

export function recordingWithAggregationLabels(rule: RecordingRule, extra: readonly string[]): RecordingRule {
  return { ...rule, expr: threadLabels(rule.expr, ANCHORS, extra) };
}

/**
 * The rule's link as an absolute URL: an app page keeps the alert's service selected (`var-job`,
 * the app's service variable); Grafana and Prometheus both expand the label template.
 */
export function dashboardUrl(rule: AlertRule, grafanaUrl: string): string | undefined {
  if (!rule.link) return undefined;
  if ('url' in rule.link) return rule.link.url;
  // The rule's own `job` label (a literal or a template over the series' labels; annotations see the series' labels).
  const service = rule.labels?.[JOB_LABEL] ?? copyLabel(JOB_LABEL);
  return `${grafanaUrl.replace(/\/$/, '')}${appUrl(rule.link.page)}?var-job=${service}`;
}
