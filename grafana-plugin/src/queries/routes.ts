// Routes: every route of the service, ranked, with its RED numbers over the selected range.
import {
  errorRatioOrZero,
  latencyQuantile,
  requestCount,
  requestRate,
  vsPreviousWindow,
  withMatchers,
  type AggregateOptions,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS } from './labels';
import { OPERATION, PERCENTILES } from './overview';
import { SELECTED_RANGE, table } from './targets';
import type { PromTarget } from './types';
import { serviceSelector } from './variables';

/** The Routes page's own variable: a route filter typed by the user. */
export const ROUTE_SEARCH_VAR = 'search';

/**
 * Routes matching the filter anywhere, case-insensitively (empty = every route). The text is a
 * regex: Grafana's Prometheus data source escapes it for the PromQL string (backslashes, quotes)
 * but not for the regex, and `${var:regex}` would produce `\.`, which PromQL strings reject.
 */
export const routeSearchSelector = withMatchers(serviceSelector, {
  [LABELS.route]: { regex: `(?i).*\$${ROUTE_SEARCH_VAR}.*` },
});

/** One row per operation (method + route): GET and DELETE /users/:id are two rows. */
const byRoute: AggregateOptions & { window: string } = {
  selector: routeSearchSelector,
  window: SELECTED_RANGE,
  by: OPERATION,
};

/** Column of the routes table → its query; refIds name the columns (the table joins on method and route). */
export const routesTableQueries = (): PromTarget[] => [
  table('rate', requestRate(byRoute)),
  // A route that never answered 5xx reads 0 %, not a blank cell.
  table('errors', errorRatioOrZero(byRoute)),
  ...PERCENTILES.map(([q, name]) => table(name, latencyQuantile(q, byRoute))),
  table('requests', requestCount(byRoute)),
  table(
    'trend',
    vsPreviousWindow((o) => latencyQuantile(0.95, o), byRoute)
  ),
];

/** Display names of the table's value columns, by refId. */
export const ROUTES_TABLE_COLUMNS: Record<string, string> = {
  rate: 'Requests/s',
  errors: 'Error ratio (5xx)',
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
  requests: 'Requests',
  trend: 'p95 trend',
};
