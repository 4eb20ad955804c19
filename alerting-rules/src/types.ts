// The shape of a rule, defined once and rendered three ways: a Grafana-managed rule (file
// provisioning), a Prometheus rule (the mirror promtool tests) and a section of docs/alerts.md.

export type Severity = 'critical' | 'warning' | 'info';

/** What docs/alerts.md says about a rule. */
export interface RuleDoc {
  /** What it means when it fires. */
  meaning: string;
  /** The default threshold, in words. */
  threshold: string;
  /** Which config entry changes it. */
  tune: string;
  /** What to do when it fires. */
  action: string;
}

interface RuleBase {
  /** Alert name (CamelCase, `Pulse` prefix): the Prometheus `alert` and the Grafana title. */
  name: string;
  /** Distinguishes rules sharing a name (a route pattern, a service): part of the Grafana title and uid. */
  variant?: string;
  /** Rule group (one per signal): `pulse-http`, `pulse-runtime` … */
  group: string;
  severity: Severity;
  /** `for:` duration (Prometheus syntax); '0m' fires at the first evaluation. */
  for: string;
  /** One line, may use `{{ $labels.x }}` and `{{ $value }}`. */
  summary: string;
  description: string;
  doc: RuleDoc;
  /** Extra labels besides `severity`. */
  labels?: Record<string, string>;
}

/** A PromQL alert: `expr` returns the firing series (the comparison is part of it). */
export interface PromAlertRule extends RuleBase {
  kind: 'promql';
  expr: string;
}

/** A Loki alert (Grafana-managed only): `query` is a LogQL metric query, compared in Grafana. */
export interface LokiAlertRule extends RuleBase {
  kind: 'logql';
  query: string;
  /** Time range Grafana queries (seconds back from now). */
  rangeSeconds: number;
  comparator: 'gt' | 'lt';
  threshold: number;
}

/**
 * "Server lost": Prometheus (`up`) and Loki (no graceful stop) combined in Grafana, so a rollout
 * does not page. The Prometheus mirror carries `promExpr` alone (Prometheus cannot see Loki).
 */
export interface ServerLostRule extends RuleBase {
  kind: 'server-lost';
  service: string;
  /** Instances of the service down (returns a series only when > 0). */
  downQuery: string;
  /** Graceful stops of the service over the window (LogQL, 0 when none). */
  gracefulStopsQuery: string;
  promExpr: string;
}

export type AlertRule = PromAlertRule | LokiAlertRule | ServerLostRule;

/** A Prometheus recording rule (the z-score and burn-rate history the alerts read). */
export interface RecordingRule {
  group: string;
  record: string;
  expr: string;
}

export interface RuleSet {
  recording: RecordingRule[];
  alerts: AlertRule[];
}
