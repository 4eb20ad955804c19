/**
 * @jest-environment node
 */
// Healthy reads 0 % / 100 %, not an empty cell: the app's error-ratio and availability queries,
// as the pages issue them, run as recording rules under `promtool test rules` over series where
// one route never answered 5xx and one dependency never failed. Without the zero fill the ratio
// has no sample for them (a blank cell, a gap) and these tests fail.
import type * as AppQueries from '../testing/appQueries';
import { withBrowserGlobals } from '../testing/browserGlobals';
import { promtoolTest } from '../testing/promtool';

const { allIssuedQueries, buildAllPages, interpolate, SAMPLE_VARIABLES, SAMPLE_PARAMS } = withBrowserGlobals(
  () => require('../testing/appQueries') as typeof AppQueries
);
const ROUTE = '/users/:id';
const queries = allIssuedQueries(buildAllPages(undefined, { ...SAMPLE_PARAMS, route: ROUTE }));
const VARIABLES = { ...SAMPLE_VARIABLES, job: 'shop', instance: '.*', __range: '10m', __rate_interval: '5m' };

function expr(key: string): string {
  const q = queries.find((x) => `${x.page} › ${x.panel} › ${x.refId}` === key);
  if (!q) {
    throw new Error(`no query ${key}`);
  }
  return interpolate(q.expr, VARIABLES);
}

const http = (method: string, route: string, status: string) =>
  `http_server_request_duration_seconds_count{job="shop", instance="app:3000", http_request_method="${method}", http_route="${route}", http_response_status_code="${status}"}`;
const dep = (name: string, errorType?: string) =>
  `pulse_dependency_duration_seconds_count{job="shop", instance="app:3000", dependency="${name}", dependency_type="http"${errorType ? `, error_type="${errorType}"` : ''}}`;

// Per minute: GET /users/:id 60 × 200 + 20 × 500 (25 % 5xx); DELETE /users/:id and GET /health
// only 2xx; payments 60 calls + 20 timeouts (25 % failed); stripe never failed.
const SERIES = [
  { series: http('GET', ROUTE, '200'), values: '0+60x20' },
  { series: http('GET', ROUTE, '500'), values: '0+20x20' },
  { series: http('DELETE', ROUTE, '204'), values: '0+30x20' },
  { series: http('GET', '/health', '200'), values: '0+30x20' },
  { series: dep('payments'), values: '0+60x20' },
  { series: dep('payments', 'timeout'), values: '0+20x20' },
  { series: dep('stripe'), values: '0+30x20' },
];

describe('healthy means 0 % errors and 100 % availability (promtool)', () => {
  it('Routes: a route (operation) without 5xx has an error ratio of 0, next to one with 25 %', () => {
    promtoolTest({
      series: SERIES,
      rules: { routes_errors: expr('routes › Routes › errors') },
      evalTime: '20m',
      expected: {
        routes_errors: [
          { labels: `routes_errors{http_request_method="GET", http_route="${ROUTE}"}`, value: 0.25 },
          { labels: `routes_errors{http_request_method="DELETE", http_route="${ROUTE}"}`, value: 0 },
          { labels: 'routes_errors{http_request_method="GET", http_route="/health"}', value: 0 },
        ],
      },
    });
  });

  it('Overview and Route detail: the error ratio of a service or route without 5xx is 0', () => {
    promtoolTest({
      series: SERIES.filter((s) => !s.series.includes('"500"')),
      rules: {
        overview_errors: expr('overview › Error ratio (5xx) › errors'),
        detail_errors: expr('routes/:route/* › Error ratio (5xx) › errors'),
      },
      evalTime: '20m',
      expected: {
        overview_errors: [{ labels: 'overview_errors', value: 0 }],
        detail_errors: [{ labels: 'detail_errors', value: 0 }],
      },
    });
  });

  it('Dependencies: a dependency that never failed has 0 errors and 100 % availability', () => {
    promtoolTest({
      series: SERIES,
      rules: {
        dep_errors: expr('dependencies › Dependencies › errors'),
        dep_availability: expr('dependencies › Dependencies › availability'),
        dep_error_series: expr('dependencies › Error ratio by dependency › errors'),
      },
      evalTime: '20m',
      expected: {
        dep_errors: [
          { labels: 'dep_errors{dependency="payments", dependency_type="http"}', value: 0.25 },
          { labels: 'dep_errors{dependency="stripe", dependency_type="http"}', value: 0 },
        ],
        dep_availability: [
          { labels: 'dep_availability{dependency="payments", dependency_type="http"}', value: 0.75 },
          { labels: 'dep_availability{dependency="stripe", dependency_type="http"}', value: 1 },
        ],
        dep_error_series: [
          { labels: 'dep_error_series{dependency="payments"}', value: 0.25 },
          { labels: 'dep_error_series{dependency="stripe"}', value: 0 },
        ],
      },
    });
  });
});
