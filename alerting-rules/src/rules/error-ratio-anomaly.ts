import type { AlertConfig } from '../config';
import { promql } from '../queries';
import { baselineRecordingRules, FAST_INTERVAL, RECORDING_GROUPS, zScoreCondition } from '../recorded';
import type { AlertRule, RecordingRule } from '../types';

// The 5xx ratio of a service against its own 1-week history: catches a rise that stays under
// the fixed PulseHighErrorRatio threshold (0.1 % → 3 % on a service that never errs).

const JOB = promql.TARGET_LABELS.job;
export const ERROR_RATIO_RECORD = 'job:http_server_errors_per_request:ratio_rate5m';

export function errorRatioRecordingRules(): RecordingRule[] {
  const o = { by: [JOB] };
  // `or … * 0`: traffic without any 5xx series records 0, so calm stretches count in the week;
  // clamp_min: an idle service records 0, not NaN (one NaN would poison the week's mean).
  const expr = `(${promql.errorRate(o)} or ${promql.requestRate(o)} * 0) / clamp_min(${promql.requestRate(o)}, 1e-9)`;
  return [
    { group: RECORDING_GROUPS.fast, interval: FAST_INTERVAL, record: ERROR_RATIO_RECORD, expr },
    ...baselineRecordingRules(ERROR_RATIO_RECORD),
  ];
}

export function errorRatioAnomalyRule(config: AlertConfig, group: string): AlertRule {
  const guard = config.errorRatioAnomaly;
  return {
    kind: 'promql',
    name: 'PulseErrorRatioAnomaly',
    group,
    severity: 'warning',
    for: '10m',
    expr: `${zScoreCondition(ERROR_RATIO_RECORD, [JOB], guard, 'up')} and on (${JOB}) ${promql.RECORDED.requestRate} > ${guard.minRequestsPerSecond}`,
    summary: '{{ $labels.job }} answers unusually many 5xx',
    description: `{{ $labels.job }}'s 5xx ratio is more than ${guard.zScore} standard deviations above its 1-week mean.`,
    doc: {
      meaning:
        "The service's share of 5xx responses rose well above its own usual level, even if it stays under PulseHighErrorRatio's fixed threshold: a partial outage, a bad deploy, a failing dependency.",
      threshold:
        `z-score above ${guard.zScore} against the 1-week mean and standard deviation of the 5m 5xx ratio, for 10m, on services with more than ${guard.minRequestsPerSecond} req/s.` +
        ` The standard deviation counts as at least ${guard.minStddevRatio * 100} % of the mean and ${guard.minStddev} (a service that never errs is not paged for one 5xx),` +
        ` and the ratio must rise by at least ${guard.minChange * 100} percentage points. Needs the recording rules loaded in Prometheus.`,
      tune: '`errorRatioAnomaly`: `zScore`, `minStddevRatio`, `minStddev`, `minChange`, `minRequestsPerSecond`.',
      action: 'Open the Errors page for the fingerprints that started with the rise; compare with the last deploy.',
    },
  };
}
