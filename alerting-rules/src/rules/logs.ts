import type { AlertConfig, LogPattern } from '../config';
import { logql } from '../queries';
import type { AlertRule } from '../types';

// Log-based rules over Loki (Grafana-managed only: Prometheus cannot query Loki).

const GROUP = 'pulse-logs';
const SERVICE = logql.LOKI_LABELS.serviceName;
const FINGERPRINT = logql.LOG_METADATA.fingerprint;
/** Every service's events. LogScope types `service` as a string; its matcher also takes `{ regex }`. */
const ALL: logql.LogScope = { service: { regex: '.+' } } as unknown as logql.LogScope;
const INSTANCE = logql.LOG_METADATA.instance;

/** Whole hours of a `<n>d` / `<n>h` duration. */
function hours(duration: string): number {
  const m = /^(\d+)([dh])$/.exec(duration);
  if (!m) throw new Error(`newErrors.history: "${duration}" is not a whole number of days (6d) or hours (144h)`);
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}

/** Minutes of a `<n>m` duration. */
function minutes(duration: string): number {
  const m = /^(\d+)m$/.exec(duration);
  if (!m) throw new Error(`newErrors.evaluateEvery: "${duration}" is not a whole number of minutes (10m)`);
  return Number(m[1]);
}

/**
 * A fingerprint not seen in `history`. The lookup over the history is the expensive part, so the
 * rule sits in a group of its own evaluated every `evaluateEvery` (not every minute); the "new"
 * window is 5m longer than the interval, so consecutive evaluations overlap and none misses an
 * error. A service whose logs do not reach back to the start of the history (a first install, a
 * new service) is skipped: every fingerprint would look new.
 */
function newErrorRule(config: AlertConfig): AlertRule {
  const { history, evaluateEvery } = config.newErrors;
  const historyHours = hours(history);
  const window = `${minutes(evaluateEvery) + 5}m`;
  const errors = logql.errorEvents(ALL);
  const byFingerprint = `${SERVICE}, ${FINGERPRINT}`;
  const recent = `sum by (${byFingerprint}) (count_over_time(${errors} [${window}]))`;
  const before = `sum by (${byFingerprint}) (count_over_time(${errors} [${history}] offset ${window}))`;
  const warmedUp = `sum by (${SERVICE}) (count_over_time(${logql.logSelector(ALL)} [1h] offset ${historyHours - 1}h)) > 0`;
  return {
    kind: 'logql',
    name: 'PulseNewErrorFingerprint',
    group: `${GROUP}-history`,
    evaluateEvery,
    severity: 'warning',
    for: '0m',
    query: `(${recent} unless ${before}) and on (${SERVICE}) (${warmedUp})`,
    rangeSeconds: 600,
    comparator: 'gt',
    threshold: 0,
    summary: 'new error in {{ $labels.service_name }}',
    description: `{{ $labels.service_name }} raised an error not seen in the previous ${history} (fingerprint {{ $labels.fingerprint }}).`,
    doc: {
      meaning: `An error group (fingerprint: error type, message pattern and top stack frames) appeared that the service did not raise in the previous ${history}: often a regression of the last deploy.`,
      threshold: `Any occurrence in the last ${window} of a fingerprint absent from the ${history} before, checked every ${evaluateEvery}. Services whose logs do not reach back ${history} (first install, new service) are skipped, so a fresh stack does not report every error it has ever seen as new.`,
      tune: "`newErrors.history` (keep it under Loki's `retention_period`: 168h in the stack) and `newErrors.evaluateEvery`. The history lookup costs one scan of the window's error events per evaluation: every 10m instead of every minute is a tenth of the reads of a 1-minute rule, for a notification up to 10m later.",
      action:
        'Open the fingerprint on the Errors page: its stack and trace show the failing code; compare with the last deploy.',
    },
  };
}

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
  const countBy = (by: string, range: string) => `sum by (${by}) (count_over_time(${errors} [${range}]))`;
  return [
    newErrorRule(config),
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
      // One crash that restarts cleanly is a look, not a page; PulseCrashLooping pages for a loop.
      severity: 'warning',
      for: '0m',
      query: `sum by (${SERVICE}, ${INSTANCE}) (count_over_time(${logql.lifecycleEvents(ALL)} | ${logql.LOG_METADATA.lifecyclePhase}="stop" | ${logql.LOG_METADATA.lifecycleReason}="crash" [5m]))`,
      rangeSeconds: 300,
      comparator: 'gt',
      threshold: 0,
      summary: '{{ $labels.service_name }} instance {{ $labels.service_instance_id }} crashed',
      description:
        '{{ $labels.service_name }} process {{ $labels.service_instance_id }} (host:pid) ended on an uncaught exception in the last 5m.',
      doc: {
        meaning: 'A process ended on an uncaught exception (its last `lifecycle` event says `crash`).',
        threshold:
          'Any crash in 5m, per process. A warning: a process that restarts cleanly after one crash needs a look, not a page; three restarts in 15m is PulseCrashLooping (critical).',
        tune: 'None: a crash is always worth a look; `crashLoop` sets when restarts page.',
        action: 'The `error` event just before the crash holds the exception and stack.',
      },
    },
    ...config.logPatterns.map(patternRule),
  ];
}
