// Route detail: one route of the service, from its latency and status codes down to the queries
// it runs and the slow requests and errors it logged.
import {
  httpServerRequestBodySize,
  httpServerResponseBodySize,
  pulseDbRouteQueries,
  pulseDbRouteQueryDuration,
} from '@pulse-apm/exporter/catalog';
import { errorEvents, nPlusOneFindings, slowRequests } from '@pulse-apm/exporter/queries/logql';
import {
  counterRate,
  dbQueriesPerRequest,
  errorRatio,
  histogramQuantile,
  nPlusOneIncrease,
  requestRate,
  withMatchers,
  type AggregateOptions,
  type Selector,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend } from './labels';
import { latencyPercentiles, SELECTED_RANGE } from './overview';
import type { LokiTarget, PromTarget } from './types';
import { logScope, RATE_WINDOW, serviceSelector } from './variables';

/** The route's series (the route is a literal taken from the URL, not a variable). */
export function routeSelector(route: string): Selector {
  return withMatchers(serviceSelector, { [LABELS.route]: route });
}

export function routeDetailQueries(route: string) {
  const sel = routeSelector(route);
  const now: AggregateOptions = { selector: sel, window: RATE_WINDOW };
  const dbBy = [LABELS.dbOperation, LABELS.dbCollection];
  return {
    requestRate: (): PromTarget => ({ refId: 'rate', expr: requestRate(now), legendFormat: 'requests/s' }),
    errorRatio: (): PromTarget => ({ refId: 'errors', expr: errorRatio(now), legendFormat: '5xx share' }),
    latency: (): PromTarget[] => latencyPercentiles(now),
    statusCodes: (): PromTarget => ({
      refId: 'status',
      expr: requestRate({ ...now, by: [LABELS.status] }),
      legendFormat: legend(LABELS.status),
    }),
    bodySizes: (): PromTarget[] => [
      {
        refId: 'req',
        expr: histogramQuantile(0.95, httpServerRequestBodySize, now),
        legendFormat: 'request p95',
      },
      {
        refId: 'res',
        expr: histogramQuantile(0.95, httpServerResponseBodySize, now),
        legendFormat: 'response p95',
      },
    ],
    /** The database operations this route runs, per operation and table, over the selected range. */
    queriesTable: (): PromTarget[] => [
      {
        refId: 'qps',
        expr: counterRate(pulseDbRouteQueries, { selector: sel, window: SELECTED_RANGE, by: dbBy }),
        instant: true,
        format: 'table',
      },
      {
        refId: 'time',
        expr: counterRate(pulseDbRouteQueryDuration, { selector: sel, window: SELECTED_RANGE, by: dbBy }),
        instant: true,
        format: 'table',
      },
    ],
    queriesPerRequest: (): PromTarget => ({
      refId: 'perRequest',
      expr: dbQueriesPerRequest(now),
      legendFormat: 'queries per request',
    }),
    nPlusOne: (): PromTarget => ({
      refId: 'n1',
      expr: nPlusOneIncrease({ selector: sel, window: SELECTED_RANGE, by: [LABELS.dbCollection] }),
      instant: true,
      format: 'table',
    }),
    nPlusOneEvents: (): LokiTarget => ({ refId: 'n1', expr: nPlusOneFindings(logScope, { route }), maxLines: 50 }),
    slowRequests: (): LokiTarget => ({ refId: 'slow', expr: slowRequests(logScope, { route }), maxLines: 50 }),
    errors: (): LokiTarget => ({ refId: 'errors', expr: errorEvents(logScope, { route }), maxLines: 50 }),
  };
}
