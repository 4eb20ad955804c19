import type { ZScoreGuard } from './config';
import { catalog, promql } from './queries';
import type { RecordingRule } from './types';

// Recording rules: what the SLO burn-rate and z-score alerts compare, computed once in Prometheus
// (Sloth/Pyrra style) instead of per alert and per evaluation in both Prometheus and Grafana.
//
// Every 1m the 5m request and 5xx rates are recorded per SLO level (service, configured routes);
// each burn-rate window is then a ratio of sums over those recorded rates — the traffic-weighted
// error ratio, as `rate(5xx[w]) / rate(all[w])` would be — reading one sample per minute of one
// series per service instead of every raw sample of every instance × route × status series. The
// latency SLO records its slow requests the same way. The 1d/3d windows and the 1-week baselines
// go to a slower group.

/** The 1m group; the request counts below assume one recorded sample per minute. */
export const FAST_INTERVAL = '1m';
const FAST_INTERVAL_SECONDS = 60;
/**
 * The slow group: well under Prometheus's 5m lookback, so an alert evaluated at any moment finds
 * a fresh sample (3.x's lookback is left-open: a sample exactly 5m old is already gone).
 */
export const SLOW_INTERVAL = '2m';
/** Windows of the slow group (longer than what a 1m group should read every minute). */
const SLOW_WINDOWS = new Set(['1d', '3d']);

export const RECORDING_GROUPS = { fast: 'pulse-recording', slow: 'pulse-recording-slow' } as const;

/** An SLO level: which labels the recorded series keep and which requests they cover. */
export interface SloLevel {
  /** Recording-rule level prefix (`level:metric:operation`). */
  level: string;
  by: readonly string[];
  selector?: promql.Selector;
  /** An already-recorded 5m request rate of exactly this level, reused instead of recorded twice. */
  requestRate5m?: string;
}

/** Names of the series recorded for one SLO level. */
export function sloSeries(slo: SloLevel) {
  const level = slo.level;
  return {
    requestRate5m: slo.requestRate5m ?? `${level}:pulse_slo_requests:rate5m`,
    errorRate5m: `${level}:pulse_slo_errors:rate5m`,
    /** Share (0–1) of requests answered 5xx over `window`. */
    errorRatio: (window: string) => `${level}:pulse_slo_errors_per_request:ratio_rate${window}`,
    /** Requests over `window` (the minimum-traffic guard). */
    requests: (window: string) => `${level}:pulse_slo_requests:increase${window}`,
  };
}

/** Every window of `pairs` (long and short) and their long windows, shortest first. */
export function burnWindows(
  pairs: readonly promql.BurnWindow[] = [...promql.FAST_BURN_WINDOWS, ...promql.SLOW_BURN_WINDOWS],
): {
  all: string[];
  long: string[];
} {
  const seconds = (w: string) => Number.parseInt(w, 10) * { m: 60, h: 3600, d: 86400 }[w.slice(-1) as 'm' | 'h' | 'd'];
  const sorted = (ws: string[]) => [...new Set(ws)].sort((a, b) => seconds(a) - seconds(b));
  return { all: sorted(pairs.flatMap((p) => [p.long, p.short])), long: sorted(pairs.map((p) => p.long)) };
}

/**
 * `part` over `w` as a share of the level's requests: a ratio of sums of recorded 5m rates
 * (traffic-weighted). The 5m window divides by at least 1e-9 req/s, so an idle service records 0,
 * not NaN (the 1-week z-score baselines read it: one NaN would poison a week's mean).
 */
function shareOver(part5m: string, requests5m: string, w: string): string {
  return w === '5m'
    ? `${part5m} / clamp_min(${requests5m}, 1e-9)`
    : `sum_over_time(${part5m}[${w}]) / sum_over_time(${requests5m}[${w}])`;
}

function groupOf(window: string) {
  return SLOW_WINDOWS.has(window)
    ? { group: RECORDING_GROUPS.slow, interval: SLOW_INTERVAL }
    : { group: RECORDING_GROUPS.fast, interval: FAST_INTERVAL };
}

/** The recording rules of one SLO level, in evaluation order (later rules read earlier ones). */
export function sloRecordingRules(slo: SloLevel): RecordingRule[] {
  const n = sloSeries(slo);
  const o = { by: slo.by, selector: slo.selector };
  const fast = { group: RECORDING_GROUPS.fast, interval: FAST_INTERVAL };
  const rules: RecordingRule[] = [
    ...(slo.requestRate5m ? [] : [{ ...fast, record: n.requestRate5m, expr: promql.requestRate(o) }]),
    // `or 0 * requests`: a service without a 5xx series yet records 0, so every window below sums
    // the same samples for errors and requests (a 5xx series born mid-window would overstate it).
    { ...fast, record: n.errorRate5m, expr: `${promql.errorRate(o)} or 0 * ${n.requestRate5m}` },
  ];
  const { all, long } = burnWindows();
  for (const w of all)
    rules.push({ ...groupOf(w), record: n.errorRatio(w), expr: shareOver(n.errorRate5m, n.requestRate5m, w) });
  // Each recorded 5m rate stands for the minute after it: requests ≈ Σ rate × 60 s.
  for (const w of long) {
    const expr = `sum_over_time(${n.requestRate5m}[${w}]) * ${FAST_INTERVAL_SECONDS}`;
    rules.push({ ...groupOf(w), record: n.requests(w), expr });
  }
  return rules;
}

/** Names of the series the latency SLO records for one level. */
export function latencySloSeries(slo: SloLevel) {
  return {
    /** Requests per second slower than the threshold (over 5m). */
    slowRate5m: `${slo.level}:pulse_slo_slow_requests:rate5m`,
    /** Share (0–1) of requests slower than the threshold over `window`. */
    slowRatio: (window: string) => `${slo.level}:pulse_slo_slow_requests_per_request:ratio_rate${window}`,
  };
}

/**
 * The latency SLO's recording rules for one level (after the level's own, whose 5m request rate
 * they read): slow requests = all − those in the threshold's bucket (`withinThreshold`, an `le`
 * matcher), then the share per window of the fast burn-rate pairs.
 */
export function latencySloRecordingRules(slo: SloLevel, withinThreshold: promql.Selector): RecordingRule[] {
  const n = sloSeries(slo);
  const l = latencySloSeries(slo);
  const bucket = promql.seriesName(catalog.httpServerRequestDuration, 'bucket');
  const within = `sum by (${slo.by.join(', ')}) (rate(${bucket}${promql.selector(promql.withMatchers(slo.selector, withinThreshold))}[5m]))`;
  const fast = { group: RECORDING_GROUPS.fast, interval: FAST_INTERVAL };
  return [
    { ...fast, record: l.slowRate5m, expr: `${n.requestRate5m} - ${within}` },
    ...burnWindows(promql.FAST_BURN_WINDOWS).all.map((w) => ({
      ...groupOf(w),
      record: l.slowRatio(w),
      expr: shareOver(l.slowRate5m, n.requestRate5m, w),
    })),
  ];
}

/** The 1-week mean and standard deviation of a recorded series (z-score baselines), in the slow group. */
export function baselineRecordingRules(recorded: string): RecordingRule[] {
  const h = promql.historyNames(recorded);
  const slow = { group: RECORDING_GROUPS.slow, interval: SLOW_INTERVAL };
  return [
    { ...slow, record: h.avg, expr: promql.historyStat(recorded, 'avg') },
    { ...slow, record: h.stddev, expr: promql.historyStat(recorded, 'stddev') },
  ];
}

/**
 * A z-score condition that never divides by zero: `(x − mean) / max(stddev, ratio × mean, floor)`,
 * and the change itself at least `minChange`. `direction` 'up' fires on increases only.
 */
export function zScoreCondition(
  recorded: string,
  on: readonly string[],
  g: ZScoreGuard,
  direction: 'both' | 'up',
): string {
  const h = promql.historyNames(recorded);
  const ratio = promql.formatNumber(g.minStddevRatio);
  // max(stddev, ratio × mean): the left side where it is the larger, the right side elsewhere.
  const spread = `clamp_min((${h.stddev} >= ${ratio} * ${h.avg}) or ${ratio} * ${h.avg}, ${promql.formatNumber(g.minStddev)})`;
  const change = direction === 'both' ? `abs(${recorded} - ${h.avg})` : `(${recorded} - ${h.avg})`;
  return `${change} / ${spread} > ${g.zScore} and on (${on.join(', ')}) ${change} >= ${promql.formatNumber(g.minChange)}`;
}
