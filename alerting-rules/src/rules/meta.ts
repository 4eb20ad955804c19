import type { AlertConfig } from '../config';
import { copyLabel, JOB_LABEL, SERVICE_LABEL } from '../labels';
import { catalog, promql } from '../queries';
import type { AlertRule } from '../types';

// Monitoring the monitoring: a heartbeat for a dead-man's switch, rule evaluation and
// notification failures (Prometheus + Alertmanager, and Grafana's own ruler and Alertmanager),
// and Pulse's own losses: series folded into `_overflow`, internal errors. (Log events Pulse
// drops are PulseLokiShippingDrops.)

const META_GROUP = 'pulse-meta';
const SELF_GROUP = 'pulse-self';
const JOB = promql.TARGET_LABELS.job;
const INSTANCE = promql.TARGET_LABELS.instance;

/** Series of Prometheus, Alertmanager and Grafana the meta rules read (not Pulse's: named here). */
export const META_METRICS = {
  prometheusRuleFailures: 'prometheus_rule_evaluation_failures_total',
  grafanaRuleFailures: 'grafana_alerting_rule_evaluation_failures_total',
  alertmanagerNotificationFailures: 'alertmanager_notifications_failed_total',
  grafanaNotificationFailures: 'grafana_alerting_notifications_failed_total',
} as const;
/** Their labels the rules keep. */
export const META_LABELS = { ruleGroup: 'rule_group', integration: 'integration' } as const;

const increase = (series: string, by: readonly string[], window: string) =>
  `sum by (${by.join(', ')}) (increase(${series}[${window}]))`;

/** The component that failed names itself: `job` is Prometheus's / Grafana's scrape job. */
const SELF = { [SERVICE_LABEL]: copyLabel(JOB_LABEL) };
const GRAFANA_ALERTING = { url: '/alerting/list' };

export function metaRules(config: AlertConfig): AlertRule[] {
  const link = (path: string) => ({ url: `${config.grafanaUrl}${path}` });
  return [
    {
      kind: 'promql',
      name: 'PulseWatchdog',
      group: META_GROUP,
      severity: 'none',
      for: '0m',
      expr: 'vector(1)',
      labels: { [JOB_LABEL]: 'pulse-alerting', [SERVICE_LABEL]: 'pulse-alerting' },
      link: link(GRAFANA_ALERTING.url),
      summary: 'Pulse alerting is alive (always firing)',
      description:
        'Always firing, on purpose: a dead-man\'s switch (Healthchecks.io, PagerDuty "dead man\'s snitch", Grafana OnCall heartbeat) pages when it stops arriving.',
      doc: {
        meaning:
          'Fires all the time. If it stops arriving, the alerting pipeline itself is broken (Prometheus or Grafana down, rules not loaded, notifications not delivered): nothing else would tell you.',
        threshold: 'Always.',
        tune: 'Route `alertname=PulseWatchdog` (severity `none`) to a heartbeat receiver with a short repeat interval; never to a pager.',
        action:
          'None while it fires. When the heartbeat service reports it missing: check Grafana, Prometheus and the contact points.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseRuleEvaluationFailures',
      group: META_GROUP,
      severity: 'warning',
      for: '5m',
      expr:
        `${increase(META_METRICS.prometheusRuleFailures, [JOB, INSTANCE, META_LABELS.ruleGroup], '10m')} > 0` +
        ` or ${increase(META_METRICS.grafanaRuleFailures, [JOB, INSTANCE], '10m')} > 0`,
      labels: SELF,
      link: link(GRAFANA_ALERTING.url),
      summary: 'alert rules fail to evaluate on {{ $labels.job }}',
      description:
        '{{ $labels.job }} ({{ $labels.instance }}) failed {{ $value | humanize }} rule evaluations in 10m{{ with $labels.rule_group }} in group {{ . }}{{ end }}: those alerts cannot fire.',
      doc: {
        meaning:
          'Rules fail to evaluate (a query error, a data source down, a many-to-many match): while they fail, the alerts they define are blind.',
        threshold: 'Any failed evaluation in 10m, for 5m (Prometheus and Grafana rulers; Grafana must be scraped).',
        tune: 'None: a failing rule is a broken alert.',
        action:
          "Prometheus: the /rules page shows the rule's last error. Grafana: Alerting → Alert rules, the rule's state is Error with the message.",
      },
    },
    {
      kind: 'promql',
      name: 'PulseNotificationsFailing',
      group: META_GROUP,
      severity: 'warning',
      for: '0m',
      expr:
        `${increase(META_METRICS.alertmanagerNotificationFailures, [JOB, INSTANCE, META_LABELS.integration], '10m')} > 0` +
        ` or ${increase(META_METRICS.grafanaNotificationFailures, [JOB, INSTANCE, META_LABELS.integration], '10m')} > 0`,
      labels: SELF,
      link: link('/alerting/notifications'),
      summary: '{{ $labels.integration }} notifications fail on {{ $labels.job }}',
      description:
        '{{ $labels.job }} failed to deliver {{ $value | humanize }} {{ $labels.integration }} notifications in 10m: alerts are not reaching people.',
      doc: {
        meaning:
          'Notifications to a channel (Slack, email, webhook) fail: wrong credentials, the service rejects them, the network path is down. This alert itself reaches you through the other channels.',
        threshold: 'Any failed notification in 10m.',
        tune: 'None. Route it to a channel other than the one that fails (the policy tree sends warnings everywhere configured).',
        action:
          'Grafana: Alerting → Contact points shows the last error per integration. Alertmanager: its log names the receiver and the HTTP status.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseSeriesDropped',
      group: SELF_GROUP,
      severity: 'warning',
      for: '0m',
      expr: `${increase(catalog.pulseSeriesDropped.name, [JOB, INSTANCE, 'metric'], '15m')} > 0`,
      summary: '{{ $labels.job }} folds {{ $labels.metric }} series into _overflow',
      description:
        '{{ $labels.instance }} ({{ $labels.job }}) folded {{ $value | humanize }} observations of {{ $labels.metric }} into its `_overflow` series in 15m: that metric reached its series cap.',
      doc: {
        meaning:
          'A metric reached its series cap and new label sets go into one `_overflow` series: per-route (or per-table) views miss them. Usually an unbounded label value (a raw URL instead of a route template, an id in a table name).',
        threshold: 'Any observation folded in 15m.',
        tune: "The exporter's series caps (`metrics.maxSeriesPerMetric`); better, bound the label that grows.",
        action: "Look at the metric's label values (`count by (http_route) (…)`) for the one that keeps growing.",
      },
    },
    {
      kind: 'promql',
      name: 'PulseInternalErrors',
      group: SELF_GROUP,
      severity: 'warning',
      for: '0m',
      expr: `${increase(catalog.pulseInternalErrors.name, [JOB, INSTANCE, 'signal'], '15m')} > 0`,
      summary: 'Pulse hit internal errors in {{ $labels.job }} ({{ $labels.signal }})',
      description:
        'Pulse caught {{ $value | humanize }} of its own errors in the {{ $labels.signal }} signal of {{ $labels.instance }} in 15m: that signal may be incomplete (the application is unaffected).',
      doc: {
        meaning:
          'Pulse caught an error inside itself (the host application never sees it): the named signal may miss data until it is fixed.',
        threshold: 'Any internal error in 15m.',
        tune: 'None: each one is a Pulse bug or a misconfiguration worth reporting.',
        action: "Read the application's log for Pulse's warning with the stack; report it with the Pulse version.",
      },
    },
  ];
}
