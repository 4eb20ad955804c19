import type { AlertConfig } from './config';
import { runbookUrl } from './render-prometheus';
import type { AlertRule, RuleSet } from './types';

// Grafana-managed rules in the file-provisioning format (provisioning/alerting/*.yaml, apiVersion 1).
//
// A PromQL rule's expression already filters to the firing series (the comparison is part of it,
// exactly as in the Prometheus mirror promtool tests), so Grafana fires for every series it
// returns: reduce (last) then `abs($B) >= 0`, true for any number. Loki rules compare in Grafana
// (threshold). Grafana expands `$VAR` in provisioning files: `$` is written `$$` outside annotations.

const EXPR = { type: '__expr__', uid: '__expr__' } as const;
const ANY_VALUE = 'abs($B) >= 0';

type Model = Record<string, unknown>;
interface Query {
  refId: string;
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Model;
}

function promQuery(refId: string, uid: string, expr: string, from = 600): Query {
  return {
    refId,
    relativeTimeRange: { from, to: 0 },
    datasourceUid: uid,
    model: { refId, datasource: { type: 'prometheus', uid }, expr, instant: true, range: false },
  };
}

function lokiQuery(refId: string, uid: string, expr: string, from: number): Query {
  return {
    refId,
    relativeTimeRange: { from, to: 0 },
    datasourceUid: uid,
    model: { refId, datasource: { type: 'loki', uid }, expr, queryType: 'instant' },
  };
}

function expression(refId: string, model: Model): Query {
  return { refId, datasourceUid: EXPR.uid, model: { refId, datasource: EXPR, ...model } };
}

const reduceLast = (refId: string, of: string) =>
  expression(refId, { type: 'reduce', expression: of, reducer: 'last', settings: { mode: 'dropNN' } });

function queries(rule: AlertRule, config: AlertConfig): { condition: string; data: Query[] } {
  const { prometheus, loki } = config.datasources;
  switch (rule.kind) {
    case 'promql':
      return {
        condition: 'C',
        data: [
          promQuery('A', prometheus, rule.expr),
          reduceLast('B', 'A'),
          expression('C', { type: 'math', expression: ANY_VALUE }),
        ],
      };
    case 'logql':
      return {
        condition: 'C',
        data: [
          lokiQuery('A', loki, rule.query, rule.rangeSeconds),
          reduceLast('B', 'A'),
          expression('C', {
            type: 'threshold',
            expression: 'B',
            conditions: [{ evaluator: { type: rule.comparator, params: [rule.threshold] } }],
          }),
        ],
      };
    case 'server-lost':
      // Down instances (A) and graceful stops (B) are single unlabelled series, so the math joins them.
      return {
        condition: 'E',
        data: [
          promQuery('A', prometheus, rule.downQuery),
          lokiQuery('B', loki, rule.gracefulStopsQuery, 600),
          reduceLast('C', 'A'),
          reduceLast('D', 'B'),
          expression('E', { type: 'math', expression: '$C > 0 && $D == 0' }),
        ],
      };
  }
}

/** Grafana's `$VAR` expansion would eat PromQL/LogQL dollars: `$` → `$$`. */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as T;
  if (Array.isArray(value)) return value.map(escapeDollars) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)])) as T;
  }
  return value;
}

/** Grafana templates read the condition's input as `$values.<refId>`; Prometheus's `$value` maps to B (the reduced value). */
function grafanaTemplate(text: string): string {
  return text.replace(/\$value\b/g, '$values.B.Value');
}

export function ruleTitle(rule: AlertRule): string {
  return rule.variant ? `${rule.name} (${rule.variant})` : rule.name;
}

/** Stable uid (Grafana: at most 40 characters of [a-zA-Z0-9_-]). */
export function ruleUid(rule: AlertRule): string {
  const slug = `pulse-${ruleTitle(rule)}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-+$/, '');
  if (slug.length <= 40) return slug;
  let hash = 5381;
  for (const ch of slug) hash = ((hash * 33) ^ ch.charCodeAt(0)) >>> 0;
  return `${slug.slice(0, 33)}-${hash.toString(36).slice(0, 6)}`;
}

function grafanaRule(rule: AlertRule, config: AlertConfig): Record<string, unknown> {
  const { condition, data } = queries(rule, config);
  return {
    uid: ruleUid(rule),
    title: ruleTitle(rule),
    condition,
    data: escapeDollars(data),
    for: rule.for,
    noDataState: 'OK',
    execErrState: 'Error',
    labels: escapeDollars({ severity: rule.severity, ...(rule.labels ?? {}) }),
    annotations: {
      summary: grafanaTemplate(rule.summary),
      description: grafanaTemplate(rule.description),
      runbook_url: runbookUrl(config.runbookBaseUrl, rule),
    },
  };
}

export function grafanaRuleFile(rules: RuleSet, config: AlertConfig): Record<string, unknown> {
  const groups = new Map<string, AlertRule[]>();
  for (const r of rules.alerts) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return {
    apiVersion: 1,
    groups: [...groups].map(([name, items]) => ({
      orgId: 1,
      name,
      folder: config.folder,
      interval: '1m',
      rules: items.map((r) => grafanaRule(r, config)),
    })),
  };
}
