// The shape of a rule, defined once and rendered three ways: a Grafana-managed rule (file
// provisioning), a Prometheus rule (the mirror promtool tests) and a section of docs/alerts.md.

/** `none` is the Watchdog's: it always fires and pages nobody (monitoring-mixins convention). */
import type { AppPage } from '../../provisioning/src/names';

export type Severity = 'critical' | 'warning' | 'info' | 'none';

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
  /** Extra labels besides `severity`; `job` and `service_name` are added when absent (see withServiceLabels). */
  labels?: Record<string, string>;
  /** Where the notification links to: a page of the Pulse app (`overview`, `runtime` …) or an absolute URL. */
  link?: { page: AppPage } | { url: string };
  /** `link` resolved by buildRules: the `dashboard_url` annotation of both renderings. */
  dashboardUrl?: string;
  /** Grafana evaluation interval of the rule's group when slower than the default 1m (all rules of a group agree). */
  evaluateEvery?: string;
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
 * "Server lost": Prometheus (`up`) and Loki (graceful stops) combined in Grafana, so a rollout
 * does not page. The Prometheus mirror carries `promExpr` alone (Prometheus cannot see Loki).
 * Loki's instance id (`host:pid`) is not Prometheus's `instance` (`host:port`), so the two are
 * joined by count: every down instance fires while the service has more instances down than
 * processes it stopped gracefully — one instance's graceful stop never hides another's crash.
 */
export interface ServerLostRule extends RuleBase {
  kind: 'server-lost';
  service: string;
  /** One series per down instance (`up == 0`), labelled job + instance. */
  downInstancesQuery: string;
  /** How many instances of the service are down (0 when none). */
  downCountQuery: string;
  /** How many distinct processes of the service stopped gracefully over the window (LogQL, 0 when none). */
  gracefulStopsQuery: string;
  promExpr: string;
}

export type AlertRule = PromAlertRule | LokiAlertRule | ServerLostRule;

/** A Prometheus recording rule (the z-score and burn-rate history the alerts read). */
export interface RecordingRule {
  group: string;
  /** The group's evaluation interval (all rules of a group agree); Prometheus's global one when absent. */
  interval?: string;
  record: string;
  expr: string;
}

export interface RuleSet {
  recording: RecordingRule[];
  alerts: AlertRule[];
}
