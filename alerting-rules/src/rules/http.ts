import type { AlertConfig } from '../config';
import { promql } from '../queries';
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
  const rule = (variant: string | undefined, route: promql.LabelMatch | undefined, seconds: number): AlertRule => ({
    kind: 'promql',
    name: 'PulseHighLatency',
    variant,
    group: GROUP,
    severity: 'warning',
    for: config.latency.for,
    expr: `${promql.latencyQuantile(0.95, { selector: { [ROUTE]: route }, by })} > ${seconds}`,
    summary: 'p95 latency of {{ $labels.http_route }} above ' + `${seconds}s`,
    description:
      '{{ $labels.job }} answers {{ $labels.http_route }} in {{ $value | humanizeDuration }} at p95 ' +
      `(threshold ${seconds}s) for ${config.latency.for}.`,
    labels: variant ? { route_pattern: variant } : undefined,
    doc: {
      meaning: 'The 95th-percentile response time of a route stayed above its threshold.',
      threshold:
        `${config.latency.p95Seconds}s by default` +
        (variant ? `; ${seconds}s for \`${variant}\`` : '') +
        `, for ${config.latency.for}.`,
      tune: '`latency.p95Seconds` (all routes) or a `routes` entry `{ route, latencyP95Seconds }` in `alerting-rules/src/config.ts`.',
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

function burnRules(config: AlertConfig): AlertRule[] {
  const rules: AlertRule[] = [];
  const targets: Array<{ variant?: string; objective: number; by: string[]; route?: promql.LabelMatch }> = [
    { objective: config.slo.objective, by: [JOB] },
    ...config.routes
      .filter((r) => r.objective !== undefined)
      .map((r) => ({
        variant: r.route,
        objective: r.objective as number,
        by: [JOB, ROUTE],
        route: { regex: r.route },
      })),
  ];
  for (const t of targets) {
    const o = { by: t.by, selector: { [ROUTE]: t.route } };
    const what = t.variant ? `{{ $labels.job }} ${t.variant}` : '{{ $labels.job }}';
    const slo = `${t.objective * 100}%`;
    const doc = (speed: string, windows: readonly promql.BurnWindow[]) => ({
      meaning: `The ${slo} availability SLO${t.variant ? ` of \`${t.variant}\`` : ''} is losing its 30-day error budget ${speed}.`,
      threshold:
        windows.map((w) => `${w.factor}× over ${w.long} and ${w.short}`).join(', or ') + ` (objective ${slo}).`,
      tune: "`slo.objective` (the service) or a `routes` entry `{ route, objective }`; the windows are the SRE workbook's.",
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
      expr: promql.multiWindowBurnRate(t.objective, promql.FAST_BURN_WINDOWS, o),
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
      expr: promql.multiWindowBurnRate(t.objective, promql.SLOW_BURN_WINDOWS, o),
      summary: `${what} burns its ${slo} error budget steadily`,
      description: `${what} burns its error budget {{ $value | humanize }}x faster than the ${slo} SLO allows.`,
      labels: t.variant ? { route_pattern: t.variant } : undefined,
      doc: doc('slowly but steadily', promql.SLOW_BURN_WINDOWS),
    });
  }
  return rules;
}

export function httpRecordingRules(): RecordingRule[] {
  const rate = promql.RECORDED.requestRate;
  const h = promql.historyNames(rate);
  return [
    { group: 'pulse-http-recording', record: rate, expr: promql.requestRate({ by: [JOB] }) },
    { group: 'pulse-http-recording', record: h.avg, expr: promql.historyStat(rate, 'avg') },
    { group: 'pulse-http-recording', record: h.stddev, expr: promql.historyStat(rate, 'stddev') },
  ];
}

function anomalyRule(config: AlertConfig): AlertRule {
  const { zScore, minRequestsPerSecond } = config.requestRateAnomaly;
  const h = promql.historyNames(promql.RECORDED.requestRate);
  return {
    kind: 'promql',
    name: 'PulseRequestRateAnomaly',
    group: GROUP,
    severity: 'warning',
    for: '5m',
    expr: `abs(${promql.zScore(promql.RECORDED.requestRate)}) > ${zScore} and on (${JOB}) ${h.avg} > ${minRequestsPerSecond}`,
    summary: '{{ $labels.job }} request rate is unusual',
    description: `{{ $labels.job }} request rate is more than ${zScore} standard deviations from its 1-week mean.`,
    doc: {
      meaning:
        'The request rate of a service is far from its usual level (a drop: clients cannot reach it; a spike: a retry storm, a crawler, an attack).',
      threshold: `|z-score| > ${zScore} against the 1-week mean and standard deviation, for 5m, on services averaging more than ${minRequestsPerSecond} req/s. Needs the recording rules loaded in Prometheus.`,
      tune: '`requestRateAnomaly.zScore`, `requestRateAnomaly.minRequestsPerSecond`.',
      action:
        'Compare with the last deploy and with upstream traffic (load balancer, probes); a drop with no errors means traffic goes elsewhere.',
    },
  };
}

export function httpRules(config: AlertConfig): AlertRule[] {
  return [...latencyRules(config), errorRatioRule(config), ...burnRules(config), anomalyRule(config)];
}
