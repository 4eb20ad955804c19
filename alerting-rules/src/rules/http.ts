import type { AlertConfig } from '../config';
import { promql } from '../queries';
import {
  baselineRecordingRules,
  FAST_INTERVAL,
  RECORDING_GROUPS,
  sloRecordingRules,
  sloSeries,
  zScoreCondition,
} from '../recorded';
import type { SloLevel } from '../recorded';
import { errorRatioAnomalyRule, errorRatioRecordingRules } from './error-ratio-anomaly';
import { latencySloRecording, latencySloRule } from './latency-slo';
import type { AlertRule, RecordingRule } from '../types';

// HTTP server rules: latency per route, error ratio, SLO burn, request-rate anomaly.

const GROUP = 'pulse-http';
const ROUTE = 'http_route';
const JOB = promql.TARGET_LABELS.job;

/** Regex matching any of the configured route patterns that set `key`, or undefined. */
function overridden(config: AlertConfig, key: 'latencyP95Seconds' | 'objective'): string | undefined {
  const routes = config.routes.filter((r) => r[key] !== undefined).map((r) => r.route);
  return routes.length === 0 ? undefined : routes.join('|');
}

function latencyRules(config: AlertConfig): AlertRule[] {
  const by = [JOB, ROUTE];
  const { minRequests } = config.latency;
  const rule = (variant: string | undefined, route: promql.LabelMatch | undefined, seconds: number): AlertRule => ({
    kind: 'promql',
    name: 'PulseHighLatency',
    variant,
    group: GROUP,
    severity: 'warning',
    for: config.latency.for,
    // A p95 of a handful of requests is their slowest one: quiet routes are left out.
    expr:
      `${promql.latencyQuantile(0.95, { selector: { [ROUTE]: route }, by })} > ${seconds}` +
      ` and on (${by.join(', ')}) ${promql.requestCount({ selector: { [ROUTE]: route }, by })} >= ${minRequests}`,
    // The threshold, not the value: an interpolated quantile (one bucket, few requests) reads as more precise than it is.
    summary: 'p95 latency of {{ $labels.http_route }} above ' + `${seconds}s`,
    description:
      `{{ $labels.job }} has answered {{ $labels.http_route }} above ${seconds}s at p95 for ${config.latency.for}` +
      ` (routes with at least ${minRequests} requests per 5m).`,
    labels: variant ? { route_pattern: variant } : undefined,
    doc: {
      meaning: 'The 95th-percentile response time of a route stayed above its threshold.',
      threshold:
        `${config.latency.p95Seconds}s by default` +
        (variant ? `; ${seconds}s for \`${variant}\`` : '') +
        `, for ${config.latency.for}, on routes with at least ${minRequests} requests in the 5m window.`,
      tune: '`latency.p95Seconds` (all routes) or a `routes` entry `{ route, latencyP95Seconds }` in `alerting-rules/src/config.ts`; `latency.minRequests` (quiet routes, see [Low-traffic services](#low-traffic-services)).',
      action:
        'Open the route in the Pulse app: compare with its DB time (N+1, slow queries) and dependency time; follow an exemplar trace of a slow request.',
    },
  });
  const rules: AlertRule[] = [];
  const others = overridden(config, 'latencyP95Seconds');
  rules.push(rule(undefined, others ? { notRegex: others } : undefined, config.latency.p95Seconds));
  for (const r of config.routes)
    if (r.latencyP95Seconds !== undefined) rules.push(rule(r.route, { regex: r.route }, r.latencyP95Seconds));
  return rules;
}

function errorRatioRule(config: AlertConfig): AlertRule {
  const o = { by: [JOB, ROUTE] };
  const { threshold, minRequestsPerSecond } = config.errorRatio;
  return {
    kind: 'promql',
    name: 'PulseHighErrorRatio',
    group: GROUP,
    severity: 'warning',
    for: '5m',
    expr: `${promql.errorRatio(o)} > ${threshold} and on (${o.by.join(', ')}) ${promql.requestRate(o)} > ${minRequestsPerSecond}`,
    summary: '{{ $labels.http_route }} answers 5xx to {{ $value | humanizePercentage }} of requests',
    description: `{{ $labels.job }} {{ $labels.http_route }}: 5xx ratio {{ $value | humanizePercentage }} over 5m (threshold ${threshold * 100}%).`,
    doc: {
      meaning: 'A route answers a large share of its requests with a 5xx status.',
      threshold: `${threshold * 100}% of requests over 5m, for 5m, on routes with more than ${minRequestsPerSecond} req/s.`,
      tune: '`errorRatio.threshold` and `errorRatio.minRequestsPerSecond` (ignore quiet routes).',
      action: 'Open the Errors page: the top error fingerprints of the route point at the failing code or dependency.',
    },
  };
}

/** The SLO levels the recording rules cover: every service, and the routes that have an objective of their own. */
function sloLevels(config: AlertConfig): { service: SloLevel; routes?: SloLevel } {
  const routes = overridden(config, 'objective');
  return {
    // The service level's 5m request rate is the z-score's input, recorded once for both.
    service: { level: 'job', by: [JOB], requestRate5m: promql.RECORDED.requestRate },
    routes: routes
      ? { level: 'job_http_route', by: [JOB, ROUTE], selector: { [ROUTE]: { regex: routes } } }
      : undefined,
  };
}

/** Requests a long window needs before its burn rate counts: configured, or where one failure stays under every page factor. */
export function sloMinRequests(config: AlertConfig, objective: number): number {
  if (config.slo.minRequests !== undefined) return config.slo.minRequests;
  const lowestPageFactor = Math.min(...promql.FAST_BURN_WINDOWS.map((w) => w.factor));
  return Math.ceil(Number((1 / (lowestPageFactor * (1 - objective))).toPrecision(12)));
}

/**
 * Multi-window multi-burn-rate condition over the recorded error ratios: per window pair, the long
 * and the short window burn faster than the pair's factor, and the long window saw `minRequests`.
 * The value is the long window's burn rate.
 */
function burnCondition(
  level: SloLevel,
  objective: number,
  windows: readonly promql.BurnWindow[],
  minRequests: number,
  route?: promql.LabelMatch,
): string {
  const n = sloSeries(level);
  const sel = promql.selector({ [ROUTE]: route });
  const budget = promql.formatNumber(1 - objective);
  const on = `on (${level.by.join(', ')})`;
  const burn = (w: string) => `${n.errorRatio(w)}${sel} / ${budget}`;
  return windows
    .map(
      (w) =>
        `(${burn(w.long)} > ${w.factor} and ${on} ${burn(w.short)} > ${w.factor}` +
        ` and ${on} ${n.requests(w.long)}${sel} >= ${minRequests})`,
    )
    .join(' or ');
}

function burnRules(config: AlertConfig): AlertRule[] {
  const rules: AlertRule[] = [];
  const levels = sloLevels(config);
  const targets: Array<{ variant?: string; objective: number; level: SloLevel; route?: promql.LabelMatch }> = [
    { objective: config.slo.objective, level: levels.service },
    ...config.routes
      .filter((r) => r.objective !== undefined)
      .map((r) => ({
        variant: r.route,
        objective: r.objective as number,
        level: levels.routes as SloLevel,
        route: { regex: r.route },
      })),
  ];
  for (const t of targets) {
    const what = t.variant ? `{{ $labels.job }} ${t.variant}` : '{{ $labels.job }}';
    const slo = `${t.objective * 100}%`;
    const minRequests = sloMinRequests(config, t.objective);
    const doc = (speed: string, windows: readonly promql.BurnWindow[]) => ({
      meaning: `The ${slo} availability SLO${t.variant ? ` of \`${t.variant}\`` : ''} is losing its 30-day error budget ${speed}.`,
      threshold:
        windows.map((w) => `${w.factor}× over ${w.long} and ${w.short}`).join(', or ') +
        ` (objective ${slo}), the long window holding at least ${minRequests} requests.` +
        ` Reads the recorded error ratios (\`${sloSeries(t.level).errorRatio(windows[0]?.long ?? '1h')}\` …).`,
      tune: "`slo.objective` (the service) or a `routes` entry `{ route, objective }`; `slo.minRequests` (quiet services, see [Low-traffic services](#low-traffic-services)); the windows are the SRE workbook's.",
      action:
        speed === 'fast'
          ? 'Page: find what changed (deploy, dependency, traffic); roll back first, investigate after.'
          : 'Ticket: the budget will run out within days; look at the Errors page for the steady error source.',
    });
    rules.push({
      kind: 'promql',
      name: 'PulseErrorBudgetBurnFast',
      variant: t.variant,
      group: GROUP,
      severity: 'critical',
      for: '2m',
      expr: burnCondition(t.level, t.objective, promql.FAST_BURN_WINDOWS, minRequests, t.route),
      summary: `${what} burns its ${slo} error budget fast`,
      description: `${what} burns its error budget {{ $value | humanize }}x faster than the ${slo} SLO allows.`,
      labels: t.variant ? { route_pattern: t.variant } : undefined,
      doc: doc('fast', promql.FAST_BURN_WINDOWS),
    });
    rules.push({
      kind: 'promql',
      name: 'PulseErrorBudgetBurnSlow',
      variant: t.variant,
      group: GROUP,
      severity: 'warning',
      for: '15m',
      expr: burnCondition(t.level, t.objective, promql.SLOW_BURN_WINDOWS, minRequests, t.route),
      summary: `${what} burns its ${slo} error budget steadily`,
      description: `${what} burns its error budget {{ $value | humanize }}x faster than the ${slo} SLO allows.`,
      labels: t.variant ? { route_pattern: t.variant } : undefined,
      doc: doc('slowly but steadily', promql.SLOW_BURN_WINDOWS),
    });
  }
  return rules;
}

/** The request rate (z-score input), the SLO windows per level, and the 1-week baselines. */
export function httpRecordingRules(config: AlertConfig): RecordingRule[] {
  const rate = promql.RECORDED.requestRate;
  const levels = sloLevels(config);
  return [
    { group: RECORDING_GROUPS.fast, interval: FAST_INTERVAL, record: rate, expr: promql.requestRate({ by: [JOB] }) },
    ...sloRecordingRules(levels.service),
    ...(levels.routes ? sloRecordingRules(levels.routes) : []),
    ...baselineRecordingRules(rate),
    ...errorRatioRecordingRules(levels.service),
    ...latencySloRecording(config, levels.service),
  ];
}

function anomalyRule(config: AlertConfig): AlertRule {
  const guard = config.requestRateAnomaly;
  const { zScore, minRequestsPerSecond } = guard;
  const rate = promql.RECORDED.requestRate;
  const h = promql.historyNames(rate);
  return {
    kind: 'promql',
    name: 'PulseRequestRateAnomaly',
    group: GROUP,
    severity: 'warning',
    for: '5m',
    expr: `${zScoreCondition(rate, [JOB], guard, 'both')} and on (${JOB}) ${h.avg} > ${minRequestsPerSecond}`,
    summary: '{{ $labels.job }} request rate is unusual',
    description: `{{ $labels.job }} request rate is more than ${zScore} standard deviations from its 1-week mean.`,
    doc: {
      meaning:
        'The request rate of a service is far from its usual level (a drop: clients cannot reach it; a spike: a retry storm, a crawler, an attack).',
      threshold:
        `|z-score| > ${zScore} against the 1-week mean and standard deviation, for 5m, on services averaging more than ${minRequestsPerSecond} req/s.` +
        ` The standard deviation counts as at least ${guard.minStddevRatio * 100} % of the mean and ${guard.minStddev} req/s (a flat week is no reason to page on a 2 % change),` +
        ` and the rate must differ from the mean by at least ${guard.minChange} req/s. Needs the recording rules loaded in Prometheus.`,
      tune: '`requestRateAnomaly`: `zScore`, `minStddevRatio`, `minStddev`, `minChange`, `minRequestsPerSecond`.',
      action:
        'Compare with the last deploy and with upstream traffic (load balancer, probes); a drop with no errors means traffic goes elsewhere.',
    },
  };
}

export function httpRules(config: AlertConfig): AlertRule[] {
  return [
    ...latencyRules(config),
    errorRatioRule(config),
    ...burnRules(config),
    anomalyRule(config),
    errorRatioAnomalyRule(config, GROUP, sloLevels(config).service),
    latencySloRule(config, GROUP, sloLevels(config).service),
  ];
}
