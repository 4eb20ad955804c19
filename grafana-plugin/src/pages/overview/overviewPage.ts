import { SceneFlexItem } from '@grafana/scenes';
import { overviewProbes, overviewQueries as q } from '../../queries/overview';
import { definePage } from '../../scenes/page';
import {
  activeAlertsPanel,
  column,
  HEALTH_MAPPINGS,
  logsPanel,
  row,
  statPanel,
  tablePanel,
  timeseriesPanel,
  TREND_MAPPINGS,
  UP_MAPPINGS,
} from '../../scenes/panels';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { lifecycleLayers } from '../../scenes/lifecycleAnnotations';

const NO_DB =
  'None in this range. Slow queries and N+1 findings need the `db` signal: `db: { pg: true }` (or mysql2, knex) in createPulse.';
const NO_LOKI = 'No events in Loki: set `logs: { loki: { url } }` in createPulse and pick the Loki data source.';
const NO_HEALTH = 'No health checks: configure `health: { checks }` in createPulse.';
const NO_HTTP = 'No HTTP requests: add `app.use(pulse.middleware())` before your routes.';

export const overviewPage = definePage({
  id: 'overview',
  title: 'Overview',
  subTitle: 'Is the service healthy right now, and where should you look first?',
  dataLayers: lifecycleLayers,
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(overviewProbes.service) }),
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(overviewProbes.http) }),
      row(
        140,
        statPanel('Health', [q.health()], { mappings: HEALTH_MAPPINGS, noValue: NO_HEALTH }),
        statPanel('Instances', [q.targetsUp()], { mappings: UP_MAPPINGS, noValue: 'Prometheus scrapes no instance' }),
        statPanel('Request rate', [q.requestRate()], { unit: 'reqps', noValue: NO_HTTP }),
        statPanel('Error ratio (5xx)', [q.errorRatio()], {
          unit: 'percentunit',
          steps: [
            [0.01, 'orange'],
            [0.05, 'red'],
          ],
          noValue: '0 % (no 5xx)',
        }),
        statPanel('p95 latency (range)', [q.latencyP95()], {
          unit: 's',
          steps: [
            [0.5, 'orange'],
            [1, 'red'],
          ],
          noValue: NO_HTTP,
        }),
        statPanel('p95 vs previous range', [q.latencyP95Trend()], {
          unit: 'none',
          description: 'p95 latency over the selected range divided by the range before it: ↑ 10 % slower or more.',
          mappings: TREND_MAPPINGS,
          noValue: 'No previous range to compare',
        })
      ),
      row(
        280,
        timeseriesPanel('Requests', [q.requestRate()], { unit: 'reqps', noValue: NO_HTTP }),
        timeseriesPanel('Error ratio (5xx)', [q.errorRatio()], { unit: 'percentunit', noValue: '0 % (no 5xx)' }),
        timeseriesPanel('Latency', q.latency(), {
          unit: 's',
          exemplarLinks: true,
          description: 'Exemplar dots are single requests: click one to open its events in Loki by trace id.',
          noValue: NO_HTTP,
        })
      ),
      row(
        260,
        timeseriesPanel('Event loop delay (p99)', [q.eventLoopDelay()], { unit: 's' }),
        timeseriesPanel('Heap used / limit', [q.heapUsed()], { unit: 'percentunit' }),
        activeAlertsPanel(q.activeAlertsFilter())
      ),
      row(
        300,
        tablePanel('Top routes by traffic', [q.topRoutesByTraffic()], {
          columns: [{ refId: 'traffic', name: 'Requests/s', unit: 'reqps' }],
          sortBy: { column: 'Requests/s', desc: true },
          limit: 10,
          linkRoutes: 'operation',
          noValue: NO_HTTP,
        }),
        tablePanel('Slowest routes (p95)', [q.slowestRoutes()], {
          columns: [
            {
              refId: 'slowest',
              name: 'p95',
              unit: 's',
              steps: [
                [0.5, 'orange'],
                [1, 'red'],
              ],
            },
          ],
          sortBy: { column: 'p95', desc: true },
          limit: 10,
          linkRoutes: 'operation',
          noValue: NO_HTTP,
        }),
        tablePanel('Most failing routes (5xx)', [q.mostFailingRoutes()], {
          columns: [
            {
              refId: 'failing',
              name: 'Error ratio',
              unit: 'percentunit',
              steps: [
                [0.01, 'orange'],
                [0.05, 'red'],
              ],
            },
          ],
          sortBy: { column: 'Error ratio', desc: true },
          limit: 10,
          linkRoutes: 'operation',
          noValue: 'No route answered 5xx in this range',
        })
      ),
      row(
        320,
        logsPanel('Recent errors', [q.recentErrors()], { noValue: NO_LOKI }),
        tablePanel('Slow queries', [q.slowQueries()], {
          columns: [{ refId: 'slowq', name: 'Slow queries/s', unit: 'short' }],
          sortBy: { column: 'Slow queries/s', desc: true },
          limit: 10,
          noValue: NO_DB,
        }),
        tablePanel('N+1 findings', [q.nPlusOne()], {
          columns: [{ refId: 'n1', name: 'Findings', unit: 'short' }],
          sortBy: { column: 'Findings', desc: true },
          limit: 10,
          linkRoutes: true,
          noValue: NO_DB,
        })
      ),
      row(
        280,
        logsPanel('Slow query events', [q.recentSlowQueries()], { noValue: NO_DB }),
        logsPanel('N+1 events', [q.recentNPlusOne()], { noValue: NO_DB })
      )
    ),
});
