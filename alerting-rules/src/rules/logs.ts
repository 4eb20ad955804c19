import type { AlertConfig, LogPattern } from '../config';
import { logql } from '../queries';
import type { AlertRule } from '../types';

// Log-based rules over Loki (Grafana-managed only: Prometheus cannot query Loki).

const GROUP = 'pulse-logs';
const SERVICE = logql.LOKI_LABELS.serviceName;
const FINGERPRINT = logql.LOG_METADATA.fingerprint;
/** Every service's events. LogScope types `service` as a string; its matcher also takes `{ regex }`. */
const ALL: logql.LogScope = { service: { regex: '.+' } } as unknown as logql.LogScope;
const NEW_WINDOW = '10m';
const HISTORY = '1d';

function patternRule(p: LogPattern): AlertRule {
  const lines = `${logql.logSelector(ALL)} |~ ${logql.logqlString(p.pattern)}`;
  return {
    kind: 'logql',
    name: `PulseLogPattern${p.name}`,
    group: GROUP,
    severity: p.severity,
    for: '0m',
    query: `sum by (${SERVICE}) (count_over_time(${lines} [5m]))`,
    rangeSeconds: 300,
    comparator: 'gt',
    threshold: p.threshold,
    summary: `{{ $labels.service_name }} logs /${p.pattern}/`,
    description: `{{ $labels.service_name }} wrote {{ $values.B.Value }} lines matching /${p.pattern}/ in 5m (threshold ${p.threshold}).`,
    doc: {
      meaning: `Log lines matching \`${p.pattern}\` appeared more often than expected.`,
      threshold: `More than ${p.threshold} matching lines in 5m.`,
      tune: '`logPatterns` entries `{ name, pattern, threshold, severity }` (one rule each).',
      action: "Open the matching lines in Explore (the rule's query) and follow their trace ids.",
    },
  };
}

export function logRules(config: AlertConfig): AlertRule[] {
  const errors = logql.errorEvents(ALL);
  const burst = config.errorBurst.eventsPer5m;
  const countBy = (by: string, range: string, offset = '') =>
    `sum by (${by}) (count_over_time(${errors} [${range}]${offset}))`;
  const groupBy = `${SERVICE}, ${FINGERPRINT}`;
  return [
    {
      kind: 'logql',
      name: 'PulseNewErrorFingerprint',
      group: GROUP,
      severity: 'warning',
      for: '0m',
      query: `${countBy(groupBy, NEW_WINDOW)} unless ${countBy(groupBy, HISTORY, ` offset ${NEW_WINDOW}`)}`,
      rangeSeconds: 600,
      comparator: 'gt',
      threshold: 0,
      summary: 'new error in {{ $labels.service_name }}',
      description: `{{ $labels.service_name }} raised an error never seen in the previous ${HISTORY} (fingerprint {{ $labels.fingerprint }}).`,
      doc: {
        meaning: `An error group (fingerprint: error type, message pattern and top stack frames) appeared that the service did not raise in the previous ${HISTORY}: often a regression of the last deploy.`,
        threshold: `Any occurrence in ${NEW_WINDOW} of a fingerprint absent in the ${HISTORY} before.`,
        tune: 'The history window is `HISTORY` in `alerting-rules/src/rules/logs.ts`.',
        action:
          'Open the fingerprint on the Errors page: its stack and trace show the failing code; compare with the last deploy.',
      },
    },
    {
      kind: 'logql',
      name: 'PulseErrorBurst',
      group: GROUP,
      severity: 'warning',
      for: '0m',
      query: countBy(SERVICE, '5m'),
      rangeSeconds: 300,
      comparator: 'gt',
      threshold: burst,
      summary: 'error burst in {{ $labels.service_name }}',
      description: `{{ $labels.service_name }} raised {{ $values.B.Value }} errors in 5m (threshold ${burst}).`,
      doc: {
        meaning:
          'Many error events in a short time, whatever their HTTP status (background jobs and 4xx classes included).',
        threshold: `More than ${burst} error events in 5m.`,
        tune: '`errorBurst.eventsPer5m`.',
        action: 'Open the Errors page: the top fingerprints of the last 5 minutes.',
      },
    },
    {
      kind: 'logql',
      name: 'PulseProcessCrashed',
      group: GROUP,
      severity: 'critical',
      for: '0m',
      query: logql.crashes(ALL, '5m'),
      rangeSeconds: 300,
      comparator: 'gt',
      threshold: 0,
      summary: '{{ $labels.service_name }} crashed',
      description: '{{ $labels.service_name }} logged a crash (uncaught exception) in the last 5m.',
      doc: {
        meaning: 'A process ended on an uncaught exception (its last `lifecycle` event says `crash`).',
        threshold: 'Any crash in 5m.',
        tune: 'None: a crash is always worth a look.',
        action: 'The `error` event just before the crash holds the exception and stack.',
      },
    },
    ...config.logPatterns.map(patternRule),
  ];
}
