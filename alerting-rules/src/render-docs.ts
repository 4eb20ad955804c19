import type { AlertConfig } from './config';
import { FAST_INTERVAL, RECORDING_GROUPS, SLOW_INTERVAL } from './recorded';
import { promExpr } from './render-prometheus';
import { ruleTitle } from './render-grafana';
import type { AlertRule, RuleSet } from './types';

// docs/alerts.md: every rule, what it means, its default threshold, how to tune it, what to do.

const KIND = {
  promql: 'Prometheus (PromQL)',
  logql: 'Loki (LogQL), Grafana-managed only',
  'server-lost': 'Prometheus + Loki, Grafana-managed; the mirror has `up == 0` alone',
};

function section(name: string, variants: AlertRule[]): string {
  const first = variants[0] as AlertRule;
  const lines = [
    `### ${name}`,
    '',
    `**Severity:** \`${first.severity}\` · **for:** \`${first.for}\` · **source:** ${KIND[first.kind]} · **group:** \`${first.group}\``,
    '',
    `**What it means.** ${first.doc.meaning}`,
    '',
    `**Default threshold.** ${first.doc.threshold}`,
    '',
    `**How to tune.** ${first.doc.tune}`,
    '',
    `**What to do.** ${first.doc.action}`,
    '',
  ];
  for (const r of variants) {
    const query = r.kind === 'logql' ? r.query : promExpr(r);
    const lang = r.kind === 'logql' ? 'logql' : 'promql';
    const extra = r.kind === 'logql' ? ` (fires when > ${r.threshold})` : '';
    const title = variants.length > 1 ? `\`${ruleTitle(r)}\`${extra} — ${r.doc.threshold}` : `Query${extra}:`;
    lines.push(title, '', '```' + lang, query ?? '', '```', '');
  }
  return lines.join('\n');
}

/** Hand-written prose: how the stack loads the rules, what is recorded, quiet services, flat baselines, Prometheus 3. */
const LOADING_AND_RECORDING = [
  '## How the stack loads the rules',
  '',
  'Each rule is evaluated once. In the compose stack Prometheus loads **only** `rules/pulse-recording-rules.yml`',
  '(`rule_files` in `provisioning/prometheus/prometheus.yml`), and Grafana evaluates the alert rules of',
  '`provisioning/alerting/pulse-rules.yaml` (mounted into its provisioning folder) against those recorded series',
  'and notifies. `pulse-rules.yml` is the same alerts for a Prometheus + Alertmanager setup: load it instead of the',
  'Grafana rules there, beside the recording rules.',
  '',
  '## Recording rules',
  '',
  'The SLO burn-rate alerts compare recorded error ratios, as Sloth and Pyrra generate them, instead of recomputing',
  '1d and 3d windows over every raw sample (~25 000 per series per evaluation) in Prometheus and Grafana alike:',
  '',
  `- group \`${RECORDING_GROUPS.fast}\` (every ${FAST_INTERVAL}): the 5m request and 5xx rates per service`,
  '  (`job:http_server_requests:rate5m`, `job:pulse_slo_errors:rate5m`) and per route that has its own objective',
  '  (`job_http_route:…`); the error ratio per window up to 6h (`job:pulse_slo_errors_per_request:ratio_rate5m`,',
  "  `…_ratio_rate30m`, `…_1h`, `…_2h`, `…_6h`) and the long windows' request counts (`job:pulse_slo_requests:increase1h`,",
  "  `…_6h`); the latency SLO's slow requests (`job:pulse_slo_slow_requests:rate5m`: all requests minus those in the",
  "  threshold's bucket) and their share per window (`job:pulse_slo_slow_requests_per_request:ratio_rate5m`, `…_30m`,",
  "  `…_1h`, `…_6h`); the probe duration. The 5xx-ratio z-score reads the service's 5m error ratio recorded for the SLO",
  '  (an idle service records 0, not NaN), so no raw series is aggregated twice.',
  `- group \`${RECORDING_GROUPS.slow}\` (every ${SLOW_INTERVAL}): the 1d and 3d windows and the 1-week z-score baselines`,
  '  (`…:avg_over_time_1w`, `…:stddev_over_time_1w`).',
  '',
  'A window is a ratio of sums of the recorded 5m rates (`sum_over_time(errors[1h]) / sum_over_time(requests[1h])`):',
  'weighted by traffic like `rate(5xx[1h]) / rate(all[1h])`, not an average of 5m ratios. A service without any 5xx',
  'records an error rate of 0, so both sums cover the same minutes. Rules of one group run in order and read what the',
  `earlier ones recorded in the same evaluation. The slow group runs every ${SLOW_INTERVAL}, well inside Prometheus's 5m`,
  'lookback, so the alerts always find a fresh sample.',
  '',
  '## Low-traffic services',
  '',
  'An error ratio or a p95 over a handful of requests is noise: one 5xx among 12 requests an hour reads as an "83x"',
  'burn of a 99.9 % budget, and the p95 of three requests is the slowest of them. The SRE workbook',
  '("Alerting on SLOs", low-traffic services) lists the options; Pulse applies the last by default:',
  '',
  '- **Generate synthetic traffic**: the uptime probes (`probes.targets`) exercise the service steadily, and a probe',
  '  of a real endpoint adds requests the SLO counts.',
  '- **Combine services**: put the SLO on a group of small services (a `routes` objective over several routes, or one',
  '  `job` for several processes) so the windows hold enough requests.',
  '- **Lower the objective or lengthen the windows**: a 99 % objective tolerates one failure in 100 requests; the slow',
  '  burn (1d / 3d) alerts still catch a steady source of errors.',
  '- **Minimum request counts** (applied): a burn-rate window pair counts only when its long window holds',
  '  `slo.minRequests` requests (default ⌈1 / (6 × (1 − objective))⌉: 167 at 99.9 %, 334 at 99.95 %, the fewest at',
  '  which one failed request stays under every page factor); PulseHighLatency needs `latency.minRequests` (20)',
  '  requests per 5m on the route. Below those a service is not paged; its errors still show in the Pulse app, and a',
  '  steady error source on a service with a few hundred requests a day still opens a slow-burn ticket.',
  '',
  'Latency annotations name the threshold ("above 1s"), not an interpolated quantile value.',
  '',
  '## Flat baselines (z-scores)',
  '',
  'PulseRequestRateAnomaly and PulseProbeLatencyAnomaly divide the change from the 1-week mean by',
  '`max(stddev, minStddevRatio × mean, minStddev)`, and the change must be at least `minChange`: after a flat week',
  '(standard deviation ~0) a +2 % request rate or a 1 ms slower probe is not an anomaly, and nothing divides by zero.',
  'The Grafana twin fires for every series the PromQL returns, whatever its value: its reducer is `last` in strict',
  'mode (dropNN would drop ±Inf and NaN, and the alert with them, where Prometheus fires) and its condition is true',
  'for every number. So Prometheus and Grafana agree at the edges.',
  '',
  "Grafana expands `$VAR` from its environment in a rule file's group names, titles and labels (`$$` is a `$`), but",
  'stores queries, expressions and annotations as written: the math condition reads `$B`, never `$$B`.',
  '',
  '## Prometheus 2 and 3',
  '',
  'The stack runs Prometheus 3.5; the promtool tests run 2.42. Every generated expression (the Prometheus rules, the',
  "Grafana rules' PromQL, the dashboards' queries, every query of the Pulse app's pages, probes and variables) stays in",
  'the subset both read the same way, checked by `alerting-rules/test/prometheus3.test.ts` and',
  '`grafana-plugin/src/prometheus3.test.ts` (one checker, `alerting-rules/test/prometheus3-check.ts`) with the',
  'Prometheus 3 PromQL grammar (`@prometheus-io/lezer-promql`) and promtool 2.42:',
  '',
  '- **`le` / `quantile` values**: 3.x writes `le="1.0"` where 2.x wrote `le="1"` (classic histogram and summary labels',
  '  are normalised to floats). An equality matcher must name a value spelled the same in both (`0.5`, `+Inf`); a regex',
  '  matcher must match both spellings of each bucket boundary of the catalog (`1(\\.0)?`).',
  '- **`holt_winters`** is gone in 3.x (renamed `double_exponential_smoothing`, behind a feature flag): not used.',
  '- **Regex `.`** matches a newline in 3.x, not in 2.x: a regex with `.` is allowed only on labels whose values',
  '  cannot hold a newline (status codes, route templates, methods, error types, `job`, `instance`, `env`, `le`).',
  '- **Range selectors** are left-open in 3.x: a sample exactly at the start of `[w]` no longer counts (2.x counted',
  '  it). Rates read windows of at least four scrape intervals (`5m` at 15s), so one sample more or less does not',
  '  matter; the recorded windows are ratios of two sums over the same samples, so the boundary sample cancels, and',
  '  the request counts (`…:increase1h`) read 60 samples in 3.x where 2.x read 61 (under 2 %). The same left-open',
  '  bound applies to the 5m lookback of instant selectors: the slow recording group runs every',
  `  ${SLOW_INTERVAL}, not every 5m.`,
  '- **`predict_linear`, `deriv`, subqueries**: not used by any rule.',
  '',
];

/** A summary as a table cell: `{{ with … }}…{{ end }}` (shown only when a label is set) left out, other templates as `…`. */
function summaryText(summary: string): string {
  return summary
    .replace(/\{\{ with [^}]*\}\}.*?\{\{ end \}\}/g, '')
    .replace(/\|/g, '\\|')
    .replace(/\{\{[^}]*\}\}/g, '…');
}

export function alertsDoc(rules: RuleSet, config: AlertConfig): string {
  const byName = new Map<string, AlertRule[]>();
  for (const r of rules.alerts) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const index = [...byName].map(
    ([name, rs]) =>
      `| [${name}](#${name.toLowerCase()}) | \`${rs[0]?.severity}\` | ${summaryText(rs[0]?.summary ?? '')} |`,
  );
  return [
    '<!-- Generated by alerting-rules/src/generate.ts from alerting-rules/src/. Do not edit: run `npm run generate`. -->',
    '# Alerts',
    '',
    'Pulse ships its alert rules with the library, built from the same metric catalog and query module as the',
    'Grafana app and dashboards. One source (`alerting-rules/src/`) gives three outputs:',
    '',
    '- `provisioning/alerting/pulse-rules.yaml`: Grafana-managed rules (file provisioning), PromQL and LogQL, in the',
    `  \`${config.folder}\` folder, querying the data sources with uids \`${config.datasources.prometheus}\` and \`${config.datasources.loki}\`.`,
    '- `provisioning/prometheus/rules/pulse-rules.yml`: the same PromQL rules for Prometheus + Alertmanager (load this',
    '  **or** the Grafana rules, not both, or every alert arrives twice). Each rule has a `promtool test rules` test in',
    '  `alerting-rules/tests/`.',
    '- `provisioning/prometheus/rules/pulse-recording-rules.yml`: the recording rules the SLO and anomaly alerts read.',
    '  Prometheus must load this file in both setups.',
    '',
    ...LOADING_AND_RECORDING,
    '## Uptime probes',
    '',
    'The blackbox exporter (`provisioning/blackbox/blackbox.yml`) probes the URLs listed in `probes.targets` of the config;',
    'the generator writes them to `provisioning/prometheus/probes/pulse-probes.yml` (Prometheus file discovery). The',
    'Prometheus scrape job that turns them into probes:',
    '',
    '<!-- docs-test: wrap scrape-configs -->',
    '',
    '```yaml',
    '- job_name: blackbox',
    '  metrics_path: /probe',
    '  file_sd_configs: [{ files: [/etc/prometheus/probes/*.yml] }]',
    '  relabel_configs:',
    '    - { source_labels: [__address__], target_label: __param_target }',
    '    - { source_labels: [module], target_label: __param_module }',
    '    - { source_labels: [__param_target], target_label: instance }',
    '    - { target_label: __address__, replacement: blackbox:9115 }',
    '```',
    '',
    '## Labels and notifications',
    '',
    'Every rule carries `severity`, `job` and `service_name` (the same service: Prometheus `job` = Loki `service_name`;',
    'a PromQL rule copies `job` into `service_name`, a LogQL rule the other way, probe rules take the probed service from',
    'the `service_name` target label of `probes.targets`). The notification policy groups by `service_name`, so two',
    'services never share a notification, and the title names the service. `aggregationLabels` in the config (e.g.',
    "`['env', 'cluster']`) is added beside `job` / `service_name` to every `by (…)` and `on (…)` of every rule, as the",
    'monitoring mixins do with `clusterLabel`, when one Prometheus scrapes several environments.',
    '',
    'Each rule has a `dashboard_url` annotation: the Pulse app page for the alert (Overview, Routes, Runtime, Errors …)',
    `with the service selected, below \`grafanaUrl\` (\`${config.grafanaUrl}\`); the meta rules link to Grafana's alerting pages.`,
    '',
    "Channels (`provisioning/alerting/`): every notification goes to the stack's webhook sink, signed with HMAC-SHA256",
    '(`hmacConfig`; the sink rejects unsigned, tampered and replayed notifications). Set on the host before',
    '`docker compose up`:',
    '',
    '| Variable | Effect |',
    '|---|---|',
    '| `SLACK_WEBHOOK_URL` | Slack incoming webhook: `critical` and `warning` alerts, coloured by severity. |',
    '| `ALERT_EMAIL_TO` (+ `SMTP_HOST`, `SMTP_USER`, `SMTP_PASSWORD`, `SMTP_FROM`) | Email for `critical` alerts, subject `[Pulse Alert] <severity>: <alert> (<service>)`. |',
    '| `ALERT_WEBHOOK_HMAC_SECRET` | The webhook signing secret shared by Grafana and the sink (a local default otherwise). |',
    '',
    'Unset, the Slack and email contact points keep placeholders (so Grafana provisions them) and their routes match no',
    "alert: compose turns the variable into the route's severity regex (`${SLACK_WEBHOOK_URL:+critical|warning}`), empty",
    "when unset. `PulseWatchdog` (severity `none`) always fires: route it to a dead-man's switch, never to a person.",
    '',
    '## Tuning',
    '',
    'Every threshold lives in `alerting-rules/src/config.ts`: global defaults, and `routes` entries (route pattern →',
    'p95 latency threshold and/or SLO objective) that become rules of their own. Edit it and run `npm run generate`.',
    "Provisioned rules are read-only in Grafana's UI; to edit them there instead, import the file through the",
    'alerting provisioning HTTP API with the `X-Disable-Provenance: true` header and drop it from the provisioning folder.',
    '',
    'Severities follow the monitoring-mixins convention: `critical` pages, `warning` needs a look today, `info` is a ticket,',
    '`none` is the Watchdog heartbeat.',
    'Every rule carries `summary`, `description` and `runbook_url` (a link to its section below).',
    '',
    '## Rules',
    '',
    '| Rule | Severity | Summary |',
    '|---|---|---|',
    ...index,
    '',
    ...[...byName].map(([name, rs]) => section(name, rs)),
  ].join('\n');
}
