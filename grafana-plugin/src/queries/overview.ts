// Overview: is the selected service healthy right now, and where should I look?
import {
  httpServerRequestDuration,
  nodejsEventLoopDelayP99,
  pulseHealthStatus,
  pulseRuntimeInfo,
} from '@pulse-apm/exporter/catalog';
import { errorEvents, nPlusOneFindings, slowQueries as slowQueryEvents } from '@pulse-apm/exporter/queries/logql';
import {
  errorRatio,
  errorRatioOrZero,
  gaugeValue,
  heapUsedRatio,
  latencyQuantile,
  nPlusOneIncrease,
  requestRate,
  selector,
  seriesName,
  slowQueryRate,
  targetUp,
  vsPreviousWindow,
  type AggregateOptions,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend, PROCESS_LEGEND } from './labels';
import { overRange, SELECTED_RANGE } from './targets';
import type { EmptyStateProbe, LokiTarget, PromTarget } from './types';
import { logScope, RATE_WINDOW, ref, serviceSelector, VAR } from './variables';

/** Grafana's selected time range, as a PromQL range: tables rank over what the user is looking at. */
export { SELECTED_RANGE };

const now: AggregateOptions = { selector: serviceSelector, window: RATE_WINDOW };

/** An operation: method and route template (GET and DELETE /users/:id are two rows). */
export const OPERATION = [LABELS.method, LABELS.route] as const;

export const overviewQueries = {
  /** Composite health (1 healthy, 0.5 degraded, 0 unhealthy): the worst instance. */
  health: (): PromTarget => ({
    refId: 'health',
    expr: gaugeValue(pulseHealthStatus, { selector: serviceSelector, by: [], aggregate: 'min' }),
    instant: true,
  }),
  /** 1 per instance Prometheus can scrape. */
  targetsUp: (): PromTarget => ({
    refId: 'up',
    expr: targetUp(serviceSelector),
    legendFormat: legend(LABELS.instance),
    instant: true,
  }),
  requestRate: (): PromTarget => ({ refId: 'rate', expr: requestRate(now), legendFormat: 'requests/s' }),
  /** 0 when nothing answered 5xx (not an empty result). */
  errorRatio: (): PromTarget => ({ refId: 'errors', expr: errorRatioOrZero(now), legendFormat: '5xx share' }),
  /** p50/p95/p99 over time; p95 carries exemplars (each links to its request's events in Loki). */
  latency: (): PromTarget[] => latencyPercentiles(now),
  /** p95 over the selected range, and its ratio to the range before it (1.2 = 20 % slower). */
  latencyP95: (): PromTarget => ({
    refId: 'p95',
    expr: latencyQuantile(0.95, { selector: serviceSelector, window: SELECTED_RANGE }),
    instant: true,
  }),
  latencyP95Trend: (): PromTarget => ({
    refId: 'p95trend',
    expr: vsPreviousWindow((o) => latencyQuantile(0.95, o), { selector: serviceSelector, window: SELECTED_RANGE }),
    instant: true,
  }),
  eventLoopDelay: (): PromTarget => ({
    refId: 'eld',
    expr: gaugeValue(nodejsEventLoopDelayP99, { selector: serviceSelector }),
    legendFormat: `p99 ${PROCESS_LEGEND}`,
  }),
  heapUsed: (): PromTarget => ({
    refId: 'heap',
    expr: heapUsedRatio(serviceSelector),
    legendFormat: legend(LABELS.instance),
  }),
  topRoutesByTraffic: (): PromTarget => ({
    refId: 'traffic',
    expr: requestRate(overRange(OPERATION)),
    instant: true,
    format: 'table',
  }),
  slowestRoutes: (): PromTarget => ({
    refId: 'slowest',
    expr: latencyQuantile(0.95, overRange(OPERATION)),
    instant: true,
    format: 'table',
  }),
  mostFailingRoutes: (): PromTarget => ({
    refId: 'failing',
    expr: errorRatio(overRange(OPERATION)),
    instant: true,
    format: 'table',
  }),
  slowQueries: (): PromTarget => ({
    refId: 'slowq',
    expr: slowQueryRate(overRange([LABELS.dbOperation, LABELS.dbCollection])),
    instant: true,
    format: 'table',
  }),
  nPlusOne: (): PromTarget => ({
    refId: 'n1',
    expr: nPlusOneIncrease(overRange([LABELS.route, LABELS.dbCollection])),
    instant: true,
    format: 'table',
  }),
  /**
   * Alert-instance label filter of "Active alerts": `service_name`, the label every Pulse rule
   * carries (ServerLost and the Loki rules have no `job`; Prometheus rules carry both).
   */
  activeAlertsFilter: (): string => selector({ [LABELS.serviceName]: ref(VAR.service) }),
  recentErrors: (): LokiTarget => ({ refId: 'errors', expr: errorEvents(logScope), maxLines: 50 }),
  recentSlowQueries: (): LokiTarget => ({ refId: 'slowq', expr: slowQueryEvents(logScope), maxLines: 50 }),
  recentNPlusOne: (): LokiTarget => ({ refId: 'n1', expr: nPlusOneFindings(logScope), maxLines: 50 }),
};

/** p50, p95 and p99 latency series (p95 with exemplars), for any selection. */
export function latencyPercentiles(o: AggregateOptions, legendPrefix = ''): PromTarget[] {
  return PERCENTILES.map(([q, name]) => ({
    refId: name,
    expr: latencyQuantile(q, o),
    legendFormat: `${legendPrefix}${name}`,
    exemplar: name === 'p95',
  }));
}

export const PERCENTILES = [
  [0.5, 'p50'],
  [0.95, 'p95'],
  [0.99, 'p99'],
] as const;

/** Probes whose empty answer means a signal is off for the selected service. */
export const overviewProbes = {
  service: {
    expr: `${pulseRuntimeInfo.name}${selector(serviceSelector)}`,
    title: 'No Pulse service selected or reporting',
    hint: 'Pick a service above. If the list is empty, Prometheus scrapes no Pulse exporter: add a scrape job for each service (`job` = its `serviceName`) and serve metrics with `pulse.mount(app)`.',
  },
  http: {
    expr: `${seriesName(httpServerRequestDuration, 'count')}${selector(serviceSelector)}`,
    title: 'No HTTP metrics for this service',
    hint: 'Add `app.use(pulse.middleware())` before your routes, then send it some requests.',
  },
} satisfies Record<string, EmptyStateProbe>;
