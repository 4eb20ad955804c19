// Every PromQL expression Pulse ships in files, as Grafana or a ruler would send it: the generated
// dashboards' Prometheus targets, the Prometheus rule files (recording and alerting) and the PromQL
// data queries of the Grafana-managed rules. The Grafana app's own queries are built from its
// scenes (grafana-plugin/src/testing/appQueries.ts), so the test that needs them adds them.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { queriesOf } from './dashboards';
import { filesUnder, readText, readYaml } from './repo';

export interface ShippedQuery {
  /** Where it comes from: `dashboard pulse-overview / p95 latency`, `rule job:…`, `grafana rule … A`. */
  name: string;
  kind: 'dashboard' | 'rule' | 'grafana-rule' | 'app';
  /** As shipped: Grafana variables (`$job`, `$__rate_interval`) not yet substituted. */
  expr: string;
  /** Sent as an instant query (rules always are; panels say so). */
  instant: boolean;
  /** A recording rule's expression (its result is stored under the rule's `record` name). */
  recorded?: boolean;
  /** Dashboard uid, for queries whose variables depend on the dashboard (the probes one). */
  dashboard?: string;
}

export const RULE_FILES = [
  'provisioning/prometheus/rules/pulse-recording-rules.yml',
  'provisioning/prometheus/rules/pulse-rules.yml',
];
export const GRAFANA_RULES_FILE = 'provisioning/alerting/pulse-rules.yaml';

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<{ record?: string; alert?: string; expr: string }>;
}

export function dashboardQueries(): ShippedQuery[] {
  return filesUnder('provisioning/dashboards', /\.json$/)
    .map((f) => JSON.parse(readText(f)) as Dashboard)
    .flatMap(queriesOf)
    .filter((q) => q.source === 'prometheus')
    .map((q) => ({
      name: `dashboard ${q.dashboard} / ${q.panel}`,
      kind: 'dashboard' as const,
      expr: q.expr,
      instant: q.instant,
      dashboard: q.dashboard,
    }));
}

export function ruleQueries(): ShippedQuery[] {
  return RULE_FILES.flatMap((file) =>
    readYaml<{ groups: RuleGroup[] }>(file).groups.flatMap((g) =>
      g.rules.map((r) => ({
        name: `rule ${r.record ?? r.alert} (${file.split('/').pop()})`,
        kind: 'rule' as const,
        expr: r.expr,
        instant: true,
        recorded: r.record !== undefined,
      })),
    ),
  );
}

export function grafanaRuleQueries(): ShippedQuery[] {
  const doc = readYaml<{
    groups: Array<{
      rules: Array<{
        title: string;
        data: Array<{ refId: string; model: { datasource?: { type?: string }; expr?: string; instant?: boolean } }>;
      }>;
    }>;
  }>(GRAFANA_RULES_FILE);
  return doc.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.data
        .filter((d) => d.model.datasource?.type === 'prometheus' && typeof d.model.expr === 'string')
        .map((d) => ({
          name: `grafana rule ${r.title} ${d.refId}`,
          kind: 'grafana-rule' as const,
          // Stored as written: Grafana expands nothing in a rule's model.
          expr: d.model.expr!,
          instant: d.model.instant !== false,
        })),
    ),
  );
}

/** `label_values(selector, label)` of each dashboard's query variables. */
export function dashboardVariableQueries(): Array<{
  dashboard: string;
  name: string;
  selector: string;
  label: string;
}> {
  return filesUnder('provisioning/dashboards', /\.json$/).flatMap((f) => {
    const d = JSON.parse(readText(f)) as Dashboard;
    return (d.templating?.list ?? []).flatMap((v) => {
      const q = typeof v.query === 'string' ? v.query : '';
      const m = /^label_values\((.*),\s*(\w+)\)$/.exec(q);
      return v.type === 'query' && m ? [{ dashboard: d.uid!, name: v.name!, selector: m[1]!, label: m[2]! }] : [];
    });
  });
}

export function shippedFileQueries(): ShippedQuery[] {
  return [...dashboardQueries(), ...ruleQueries(), ...grafanaRuleQueries()];
}
