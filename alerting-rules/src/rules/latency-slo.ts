import type { AlertConfig } from '../config';
import { catalog, promql } from '../queries';
import type { AlertRule } from '../types';

// Latency SLO: the share of requests slower than a threshold, read from the duration histogram's
// bucket at that threshold (exact, unlike an interpolated quantile), burning its budget fast.

const JOB = promql.TARGET_LABELS.job;

/**
 * `le` matcher for a bucket boundary that means the same in Prometheus 2 and 3: 3.x normalises
 * `le="1"` to `le="1.0"` at ingestion, so an integer boundary matches both spellings.
 */
export function bucketMatcher(boundary: number): promql.LabelMatch {
  const text = String(boundary).replace(/\./g, '\\.');
  return { regex: Number.isInteger(boundary) ? `${text}(\\.0)?` : text };
}

export function latencySloRule(config: AlertConfig, group: string): AlertRule {
  const { thresholdSeconds, objective, minRequestsPerSecond } = config.latencySlo;
  const buckets: readonly number[] = catalog.HTTP_DURATION_BUCKETS;
  if (!buckets.includes(thresholdSeconds)) {
    throw new Error(
      `latencySlo.thresholdSeconds: ${thresholdSeconds} is not a bucket boundary of ${catalog.httpServerRequestDuration.name} (${buckets.join(', ')})`,
    );
  }
  const by = [JOB];
  const on = `on (${by.join(', ')})`;
  const bucket = promql.seriesName(catalog.httpServerRequestDuration, 'bucket');
  const fast = (w: string) =>
    `sum by (${by.join(', ')}) (rate(${bucket}${promql.selector({ [promql.BUCKET_LABEL]: bucketMatcher(thresholdSeconds) })}[${w}]))`;
  const budget = promql.formatNumber(1 - objective);
  // Burn rate over a window: (share of requests slower than the threshold) / budget.
  const burn = (w: string) => `(1 - ${fast(w)} / ${promql.requestRate({ by, window: w })}) / ${budget}`;
  const windows = promql.FAST_BURN_WINDOWS.map(
    (w) => `(${burn(w.long)} > ${w.factor} and ${on} ${burn(w.short)} > ${w.factor})`,
  ).join(' or ');
  const slo = `${Number((objective * 100).toPrecision(6))}%`;
  return {
    kind: 'promql',
    name: 'PulseLatencyBudgetBurn',
    group,
    severity: 'critical',
    for: '2m',
    expr: `(${windows}) and ${on} ${promql.requestRate({ by, window: '1h' })} > ${minRequestsPerSecond}`,
    summary: `{{ $labels.job }} burns its latency SLO budget fast (${slo} within ${thresholdSeconds}s)`,
    description: `{{ $labels.job }} answers too many requests slower than ${thresholdSeconds}s: its latency budget burns {{ $value | humanize }}x faster than the ${slo} objective allows.`,
    doc: {
      meaning: `The latency SLO (${slo} of requests within ${thresholdSeconds}s over 30 days) is losing its budget fast: many more requests than usual are slower than ${thresholdSeconds}s.`,
      threshold:
        promql.FAST_BURN_WINDOWS.map((w) => `${w.factor}× over ${w.long} and ${w.short}`).join(', or ') +
        ` (objective ${slo}), on services with more than ${minRequestsPerSecond} req/s over 1h. The threshold is a bucket boundary of the duration histogram, so the share is counted, not interpolated.`,
      tune: '`latencySlo.thresholdSeconds` (a bucket boundary: the generator refuses another), `latencySlo.objective`, `latencySlo.minRequestsPerSecond`.',
      action:
        'Open the Routes page sorted by p95: the route whose slow requests grew, then its DB time and dependencies; roll back if a deploy started it.',
    },
  };
}
