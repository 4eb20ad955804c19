import { SceneAppPage, type SceneRouteMatch } from '@grafana/scenes';
import { routeDetailPath, routeFromPathParam } from '../../queries/links';
import {
  METHOD_VAR,
  methodVariableQuery,
  METHODS_TABLE_COLUMNS as METHOD_COL,
  routeDetailQueries,
} from '../../queries/routeDetail';
import { labelValues } from '../../queries/types';
import { lifecycleLayers } from '../../scenes/lifecycleAnnotations';
import { pageScene, type PageContext } from '../../scenes/page';
import { column, logsPanel, row, statPanel, tablePanel, timeseriesPanel } from '../../scenes/panels';
import { labelValuesVariable, PRESERVED_URL_KEYS } from '../../scenes/variables';

const NO_DB = 'No database operations recorded for this route (needs the `db` signal in createPulse).';
const NO_LOKI = 'No events: Loki receives them when `logs: { loki: { url } }` is set in createPulse.';

/** Route detail: the drill-down below Routes; the route template is the URL segment after /routes/. */
export function routeDetailPage(
  match: SceneRouteMatch<{ route?: string }>,
  parent: SceneAppPage,
  ctx: PageContext
): SceneAppPage {
  const route = routeFromPathParam(match.params.route);
  const q = routeDetailQueries(route);
  return new SceneAppPage({
    title: route,
    subTitle:
      "Latency, status codes, sizes, database work and events of this route, for the methods picked (links from the tables pick the row's method).",
    url: routeDetailPath(route),
    routePath: ':route/*',
    getParentPage: () => parent,
    preserveUrlKeys: PRESERVED_URL_KEYS,
    getScene: () =>
      pageScene(
        ctx,
        column(
          row(
            150,
            tablePanel('Methods', q.methodsTable(), {
              description: 'Each method of this route over the selected range: an operation is method + route.',
              columns: [
                { refId: 'rate', name: METHOD_COL.rate!, unit: 'reqps' },
                {
                  refId: 'errors',
                  name: METHOD_COL.errors!,
                  unit: 'percentunit',
                  steps: [
                    [0.01, 'orange'],
                    [0.05, 'red'],
                  ],
                },
                { refId: 'p95', name: METHOD_COL.p95!, unit: 's' },
              ],
              sortBy: { column: METHOD_COL.rate!, desc: true },
              noValue: 'No requests for the selected methods in this range.',
            })
          ),
          row(
            130,
            statPanel('Request rate', [q.requestRate()], { unit: 'reqps' }),
            statPanel('Error ratio (5xx)', [q.errorRatio()], {
              unit: 'percentunit',
              steps: [
                [0.01, 'orange'],
                [0.05, 'red'],
              ],
              noValue: '0 % (no 5xx)',
            }),
            statPanel('Queries per request', [q.queriesPerRequest()], { unit: 'short', noValue: NO_DB })
          ),
          row(
            300,
            timeseriesPanel('Latency percentiles', q.latency(), {
              unit: 's',
              exemplarLinks: true,
              description: 'Exemplar dots are single requests: click one to open its events in Loki by trace id.',
            }),
            timeseriesPanel('Status codes', [q.statusCodes()], { unit: 'reqps', stack: true })
          ),
          row(
            280,
            timeseriesPanel('Body sizes (p95)', q.bodySizes(), {
              unit: 'bytes',
              noValue: 'No Content-Length on requests or responses of this route.',
            }),
            tablePanel('Queries this route runs', q.queriesTable(), {
              columns: [
                { refId: 'qps', name: 'Queries/s', unit: 'short' },
                { refId: 'time', name: 'DB time/s', unit: 's' },
              ],
              sortBy: { column: 'DB time/s', desc: true },
              noValue: NO_DB,
            }),
            tablePanel('N+1 findings', [q.nPlusOne()], {
              columns: [{ refId: 'n1', name: 'Findings', unit: 'short' }],
              sortBy: { column: 'Findings', desc: true },
              noValue: 'No N+1 pattern detected on this route in this range.',
            })
          ),
          row(
            320,
            logsPanel('Slow requests', [q.slowRequests()], { noValue: NO_LOKI }),
            logsPanel('Errors', [q.errors()], { noValue: NO_LOKI })
          ),
          row(240, logsPanel('N+1 events', [q.nPlusOneEvents()], { noValue: NO_LOKI }))
        ),
        {
          variables: [
            labelValuesVariable(METHOD_VAR, 'Method', labelValues(methodVariableQuery(route)), {
              isMulti: true,
              includeAll: true,
            }),
          ],
          dataLayers: lifecycleLayers(),
        }
      ),
  });
}
