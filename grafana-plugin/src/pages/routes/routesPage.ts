import { SceneFlexItem, TextBoxVariable } from '@grafana/scenes';
import { overviewProbes } from '../../queries/overview';
import { ROUTE_SEARCH_VAR, ROUTES_TABLE_COLUMNS as COL, routesTableQueries } from '../../queries/routes';
import { ROUTES_PATH } from '../../queries/links';
import { definePage } from '../../scenes/page';
import { column, tablePanel, TREND_MAPPINGS } from '../../scenes/panels';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { routeDetailPage } from './routeDetailPage';

export const routesPage = definePage({
  id: ROUTES_PATH,
  title: 'Routes',
  subTitle: 'Every route of the service over the selected range: click one for its detail.',
  variables: () => [new TextBoxVariable({ name: ROUTE_SEARCH_VAR, label: 'Route filter (regex)', value: '' })],
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(overviewProbes.http) }),
      new SceneFlexItem({
        minHeight: 600,
        body: tablePanel('Routes', routesTableQueries(), {
          description:
            'One row per operation (method + route), rates and percentiles over the selected time range. p95 trend compares it with the range before (↑ = 10 % slower or more). Sort by any column; filter with "Route filter" (a case-insensitive regex) or the column filter.',
          columns: [
            { refId: 'rate', name: COL.rate, unit: 'reqps' },
            {
              refId: 'errors',
              name: COL.errors,
              unit: 'percentunit',
              steps: [
                [0.01, 'orange'],
                [0.05, 'red'],
              ],
            },
            {
              refId: 'p50',
              name: COL.p50,
              unit: 's',
              steps: [
                [0.25, 'orange'],
                [1, 'red'],
              ],
            },
            {
              refId: 'p95',
              name: COL.p95,
              unit: 's',
              steps: [
                [0.5, 'orange'],
                [1, 'red'],
              ],
            },
            {
              refId: 'p99',
              name: COL.p99,
              unit: 's',
              steps: [
                [1, 'orange'],
                [2.5, 'red'],
              ],
            },
            { refId: 'requests', name: COL.requests, unit: 'short' },
            { refId: 'trend', name: COL.trend, mappings: TREND_MAPPINGS },
          ],
          sortBy: { column: COL.rate, desc: true },
          linkRoutes: 'operation',
          noValue: 'No requests in this range (or none match the search).',
        }),
      })
    ),
  drilldowns: [{ routePath: ':route/*', getPage: routeDetailPage }],
});
