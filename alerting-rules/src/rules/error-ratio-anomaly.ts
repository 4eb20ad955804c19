import type { AlertConfig } from '../config';
import { promql } from '../queries';
import { baselineRecordingRules, sloSeries, zScoreCondition } from '../recorded';
import type { SloLevel } from '../recorded';
import type { AlertRule, RecordingRule } from '../types';

// The 5xx ratio of a service against its own 1-week history: catches a rise that stays under
// the fixed PulseHighErrorRatio threshold (0.1 % → 3 % on a service that never errs). Its input
// is the service SLO's recorded 5m error ratio (one series, recorded once; an idle service
// records 0, so calm and idle stretches count in the week), only the baselines are its own.

const JOB = promql.TARGET_LABELS.job;

/** The recorded 5m 5xx ratio of every service (`level`: the service SLO level). */
export const errorRatioSeries = (level: SloLevel): string => sloSeries(level).errorRatio('5m');

export function errorRatioRecordingRules(level: SloLevel): RecordingRule[] {
  return baselineRecordingRules(errorRatioSeries(level));
}

export function errorRatioAnomalyRule(config: AlertConfig, group: string, level: SloLevel): AlertRule {
  const guard = config.errorRatioAnomaly;
  const ratio = errorRatioSeries(level);
  return {
    kind: 'promql',
    name: 'PulseErrorRatioAnomaly',
    group,
    severity: 'warning',
    for: '10m',
    expr: `${zScoreCondition(ratio, [JOB], guard, 'up')} and on (${JOB}) ${promql.RECORDED.requestRate} > ${guard.minRequestsPerSecond}`,
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
