import type { AlertConfig } from '../config';
import { catalog, promql } from '../queries';
import { burnWindows, latencySloRecordingRules, latencySloSeries, sloSeries } from '../recorded';
import type { SloLevel } from '../recorded';
import type { AlertRule, RecordingRule } from '../types';

// Latency SLO: the share of requests slower than a threshold, read from the duration histogram's
// bucket at that threshold (exact, unlike an interpolated quantile), burning its budget fast.
// The shares per window are recorded (recorded.ts); the alert compares recorded series only.

/**
 * `le` matcher for a bucket boundary that means the same in Prometheus 2 and 3: 3.x normalises
 * `le="1"` to `le="1.0"` at ingestion, so an integer boundary matches both spellings.
 */
export function bucketMatcher(boundary: number): promql.LabelMatch {
  const text = String(boundary).replace(/\./g, '\\.');
  return { regex: Number.isInteger(boundary) ? `${text}(\\.0)?` : text };
}

function thresholdOf(config: AlertConfig): number {
  const { thresholdSeconds } = config.latencySlo;
  const buckets: readonly number[] = catalog.HTTP_DURATION_BUCKETS;
  if (!buckets.includes(thresholdSeconds)) {
    throw new Error(
      `latencySlo.thresholdSeconds: ${thresholdSeconds} is not a bucket boundary of ${catalog.httpServerRequestDuration.name} (${buckets.join(', ')})`,
    );
  }
  return thresholdSeconds;
}

/** The slow-request rate and its share per window, for the service level (`level`: the SLO level of every service). */
export function latencySloRecording(config: AlertConfig, level: SloLevel): RecordingRule[] {
  return latencySloRecordingRules(level, { [promql.BUCKET_LABEL]: bucketMatcher(thresholdOf(config)) });
}

export function latencySloRule(config: AlertConfig, group: string, level: SloLevel): AlertRule {
  const { objective, minRequestsPerSecond } = config.latencySlo;
  const thresholdSeconds = thresholdOf(config);
  const on = `on (${level.by.join(', ')})`;
  const budget = promql.formatNumber(1 - objective);
  const slow = latencySloSeries(level);
  // Burn rate over a window: (share of requests slower than the threshold) / budget.
  const burn = (w: string) => `${slow.slowRatio(w)} / ${budget}`;
  const windows = promql.FAST_BURN_WINDOWS.map(
    (w) => `(${burn(w.long)} > ${w.factor} and ${on} ${burn(w.short)} > ${w.factor})`,
  ).join(' or ');
  // The traffic floor over 1h, from the requests the availability SLO records per long window.
  if (!burnWindows().long.includes('1h')) throw new Error('latency SLO: no recorded 1h request count to guard with');
  const requests1h = sloSeries(level).requests('1h');
  const slo = `${Number((objective * 100).toPrecision(6))}%`;
  return {
    kind: 'promql',
    name: 'PulseLatencyBudgetBurn',
    group,
    severity: 'critical',
    for: '2m',
    expr: `(${windows}) and ${on} ${requests1h} / 3600 > ${minRequestsPerSecond}`,
    summary: `{{ $labels.job }} burns its latency SLO budget fast (${slo} within ${thresholdSeconds}s)`,
    description: `{{ $labels.job }} answers too many requests slower than ${thresholdSeconds}s: its latency budget burns {{ $value | humanize }}x faster than the ${slo} objective allows.`,
    doc: {
      meaning: `The latency SLO (${slo} of requests within ${thresholdSeconds}s over 30 days) is losing its budget fast: many more requests than usual are slower than ${thresholdSeconds}s.`,
      threshold:
        promql.FAST_BURN_WINDOWS.map((w) => `${w.factor}× over ${w.long} and ${w.short}`).join(', or ') +
        ` (objective ${slo}), on services with more than ${minRequestsPerSecond} req/s over 1h. The threshold is a bucket boundary of the duration histogram, so the share is counted, not interpolated. Reads the recorded shares (\`${slow.slowRatio('1h')}\` …): needs the recording rules loaded in Prometheus.`,
      tune: '`latencySlo.thresholdSeconds` (a bucket boundary: the generator refuses another), `latencySlo.objective`, `latencySlo.minRequestsPerSecond`.',
      action:
        'Open the Routes page sorted by p95: the route whose slow requests grew, then its DB time and dependencies; roll back if a deploy started it.',
    },
  };
}
