// Route detail: one route of the service, from its latency and status codes down to the queries
// it runs and the slow requests and errors it logged.
import {
  httpServerRequestDuration,
  httpServerRequestBodySize,
  httpServerResponseBodySize,
  pulseDbRouteQueries,
  pulseDbRouteQueryDuration,
} from '@pulse-apm/exporter/catalog';
import {
  errorEvents,
  LOG_METADATA,
  logqlString,
  nPlusOneFindings,
  slowRequests,
} from '@pulse-apm/exporter/queries/logql';
import {
  counterRate,
  dbQueriesPerRequest,
  errorRatioOrZero,
  histogramQuantile,
  latencyQuantile,
  nPlusOneIncrease,
  requestRate,
  selector,
  seriesName,
  withMatchers,
  type AggregateOptions,
  type Selector,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend } from './labels';
import { METHOD_VAR } from './links';
import { latencyPercentiles, SELECTED_RANGE } from './overview';
import { table } from './targets';
import type { LabelValuesQuery, LokiTarget, PromTarget } from './types';
import { logScope, RATE_WINDOW, serviceSelector } from './variables';

/** Route detail's own variable `method`: the methods shown (links from the tables set it; "All" = every method). */
export { METHOD_VAR };
const methodRef = `$${METHOD_VAR}`;

/** The route's series (the route is a literal taken from the URL, not a variable). */
export function routeSelector(route: string): Selector {
  return withMatchers(serviceSelector, { [LABELS.route]: route });
}

/** The route's HTTP series of the selected methods: the operation (method + route) the page is about. */
export function operationSelector(route: string): Selector {
  return withMatchers(routeSelector(route), { [LABELS.method]: { regex: methodRef } });
}

/** The methods this route answered (the method picker's options). */
export function methodVariableQuery(route: string): LabelValuesQuery {
  return {
    seriesSelector: `${seriesName(httpServerRequestDuration, 'count')}${selector(routeSelector(route))}`,
    label: LABELS.method,
  };
}

/** Display names of the per-method table's value columns, by refId. */
export const METHODS_TABLE_COLUMNS: Record<string, string> = {
  rate: 'Requests/s',
  errors: 'Error ratio (5xx)',
  p95: 'p95',
};

/** Request events carry their method (structured metadata): narrow them like the metrics. */
const byMethod = (expr: string): string => `${expr} | ${LOG_METADATA.method}=~${logqlString(methodRef)}`;

export function routeDetailQueries(route: string) {
  const sel = operationSelector(route);
  const now: AggregateOptions = { selector: sel, window: RATE_WINDOW };
  // pulse_db_route_queries_total has no method label: the database panels cover the route's every method.
  const dbSel = routeSelector(route);
  const dbBy = [LABELS.dbOperation, LABELS.dbCollection];
  const perMethod: AggregateOptions = { selector: sel, window: SELECTED_RANGE, by: [LABELS.method] };
  return {
    requestRate: (): PromTarget => ({ refId: 'rate', expr: requestRate(now), legendFormat: 'requests/s' }),
    /** 0 when nothing answered 5xx. */
    errorRatio: (): PromTarget => ({ refId: 'errors', expr: errorRatioOrZero(now), legendFormat: '5xx share' }),
    latency: (): PromTarget[] => latencyPercentiles(now),
    statusCodes: (): PromTarget => ({
      refId: 'status',
      expr: requestRate({ ...now, by: [LABELS.method, LABELS.status] }),
      legendFormat: legend(LABELS.method, LABELS.status),
    }),
    /** Each method of the route over the selected range (GET and DELETE /users/:id side by side). */
    methodsTable: (): PromTarget[] => [
      table('rate', requestRate(perMethod)),
      table('errors', errorRatioOrZero(perMethod)),
      table('p95', latencyQuantile(0.95, perMethod)),
    ],
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
        expr: counterRate(pulseDbRouteQueries, { selector: dbSel, window: SELECTED_RANGE, by: dbBy }),
        instant: true,
        format: 'table',
      },
      {
        refId: 'time',
        expr: counterRate(pulseDbRouteQueryDuration, { selector: dbSel, window: SELECTED_RANGE, by: dbBy }),
        instant: true,
        format: 'table',
      },
    ],
    queriesPerRequest: (): PromTarget => ({
      refId: 'perRequest',
      expr: dbQueriesPerRequest({ selector: dbSel, window: RATE_WINDOW }),
      legendFormat: 'queries per request',
    }),
    nPlusOne: (): PromTarget => ({
      refId: 'n1',
      expr: nPlusOneIncrease({ selector: dbSel, window: SELECTED_RANGE, by: [LABELS.dbCollection] }),
      instant: true,
      format: 'table',
    }),
    nPlusOneEvents: (): LokiTarget => ({ refId: 'n1', expr: nPlusOneFindings(logScope, { route }), maxLines: 50 }),
    slowRequests: (): LokiTarget => ({
      refId: 'slow',
      expr: byMethod(slowRequests(logScope, { route })),
      maxLines: 50,
    }),
    errors: (): LokiTarget => ({ refId: 'errors', expr: byMethod(errorEvents(logScope, { route })), maxLines: 50 }),
  };
}
