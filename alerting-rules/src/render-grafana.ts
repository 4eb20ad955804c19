import type { AlertConfig } from './config';
import { runbookUrl } from './render-prometheus';
import type { AlertRule, RuleSet } from './types';

// Grafana-managed rules in the file-provisioning format (provisioning/alerting/*.yaml, apiVersion 1).
//
// A PromQL rule's expression already filters to the firing series (the comparison is part of it,
// exactly as in the Prometheus mirror promtool tests), so Grafana fires for every series it
// returns, whatever its value — as Prometheus does: reduce (last) in strict mode, which keeps
// ±Inf and NaN (dropNN would drop them, and with them the alert), then a condition true for every
// number, NaN included (NaN != NaN). Loki rules compare in Grafana
// (threshold).
//
// Grafana expands `$VAR` from its environment in some fields of a rule file, `$$` standing for
// `$` (pkg/services/provisioning/alerting/rules_types.go): the group's name and folder, the
// rule's title and labels. Queries and expressions (`model`) are stored raw — `$B` stays `$B`,
// and a `$$B` would reach the math parser as is and fail — and so are annotations (`$labels`).

const EXPR = { type: '__expr__', uid: '__expr__' } as const;
const ANY_VALUE = '$B == $B || $B != $B';

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
/** Strict mode (Grafana's default, mode ''): the last value as it is, ±Inf and NaN included. */
const reduceLastStrict = (refId: string, of: string) =>
  expression(refId, { type: 'reduce', expression: of, reducer: 'last', settings: { mode: '' } });

function queries(rule: AlertRule, config: AlertConfig): { condition: string; data: Query[] } {
  const { prometheus, loki } = config.datasources;
  switch (rule.kind) {
    case 'promql':
      return {
        condition: 'C',
        data: [
          promQuery('A', prometheus, rule.expr),
          reduceLastStrict('B', 'A'),
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
      // A: one series per down instance (job, instance). B, C: unlabelled counts, which Grafana's
      // math joins to every instance. Each down instance fires while the service has more
      // instances down than processes it stopped gracefully (see ServerLostRule).
      return {
        condition: 'F',
        data: [
          promQuery('A', prometheus, rule.downInstancesQuery),
          promQuery('B', prometheus, rule.downCountQuery),
          lokiQuery('C', loki, rule.gracefulStopsQuery, 600),
          reduceLast('D', 'A'),
          reduceLast('E', 'B'),
          reduceLast('G', 'C'),
          expression('F', { type: 'math', expression: '$D >= 0 && $E > $G' }),
        ],
      };
  }
}

/** For the fields Grafana expands `$VAR` in: `$` → `$$`. */
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
    title: escapeDollars(ruleTitle(rule)),
    condition,
    data,
    for: rule.for,
    noDataState: 'OK',
    execErrState: 'Error',
    labels: escapeDollars({ severity: rule.severity, ...(rule.labels ?? {}) }),
    annotations: {
      summary: grafanaTemplate(rule.summary),
      description: grafanaTemplate(rule.description),
      runbook_url: runbookUrl(config.runbookBaseUrl, rule),
      ...(rule.dashboardUrl ? { dashboard_url: rule.dashboardUrl } : {}),
    },
  };
}

export function grafanaRuleFile(rules: RuleSet, config: AlertConfig): Record<string, unknown> {
  const groups = new Map<string, AlertRule[]>();
  for (const r of rules.alerts) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return {
    apiVersion: 1,
    groups: [...groups].map(([name, items]) => {
      const intervals = new Set(items.map((r) => r.evaluateEvery ?? '1m'));
      if (intervals.size > 1) throw new Error(`rule group ${name} mixes intervals: ${[...intervals].join(', ')}`);
      return {
        orgId: 1,
        name: escapeDollars(name),
        folder: escapeDollars(config.folder),
        interval: [...intervals][0],
        rules: items.map((r) => grafanaRule(r, config)),
      };
    }),
  };
}
