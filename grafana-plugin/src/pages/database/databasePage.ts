import { SceneFlexItem } from '@grafana/scenes';
import {
  databaseProbe,
  databaseQueries as q,
  OPERATIONS_TABLE_COLUMNS as COL,
  POOL_LABEL,
} from '../../queries/database';
import { definePage } from '../../scenes/page';
import { column, logsPanel, row, tablePanel, timeseriesPanel } from '../../scenes/panels';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { slowStatementsPanel } from './slowStatements';

const NO_DB = 'No database metrics: enable `db` in createPulse (`db: { pg: true }`, or mysql2, knex).';
const NO_LOKI = 'No events: slow query and N+1 events reach Loki when `logs: { loki: { url } }` is set in createPulse.';

export const databasePage = definePage({
  id: 'database',
  title: 'Database',
  subTitle:
    'Which operations and tables are slow or failing, which routes run too many queries, and do the pools keep up?',
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(databaseProbe) }),
      row(
        280,
        timeseriesPanel('Operation latency (p95) by table and operation', [q.operationLatency()], {
          unit: 's',
          noValue: NO_DB,
        }),
        timeseriesPanel('Operations by table and operation', [q.operationRate()], { unit: 'ops', noValue: NO_DB })
      ),
      new SceneFlexItem({
        minHeight: 320,
        body: tablePanel('Operations', q.operationsTable(), {
          description: 'Every operation (system, operation, main table) over the selected range.',
          columns: [
            { refId: 'rate', name: COL.rate!, unit: 'ops' },
            { refId: 'errors', name: COL.errors!, unit: 'ops', steps: [[0.001, 'red']] },
            {
              refId: 'p50',
              name: COL.p50!,
              unit: 's',
              steps: [
                [0.05, 'orange'],
                [0.2, 'red'],
              ],
            },
            {
              refId: 'p95',
              name: COL.p95!,
              unit: 's',
              steps: [
                [0.1, 'orange'],
                [0.5, 'red'],
              ],
            },
            {
              refId: 'p99',
              name: COL.p99!,
              unit: 's',
              steps: [
                [0.25, 'orange'],
                [1, 'red'],
              ],
            },
          ],
          sortBy: { column: COL.p95!, desc: true },
          noValue: NO_DB,
        }),
      }),
      row(
        300,
        tablePanel('Slowest query patterns', q.slowestPatterns(), {
          description:
            'Operations ranked by p99 over the selected range, with how often they crossed db.slowQueries.thresholdMs. The statement text of each slow query is in the events below.',
          columns: [
            {
              refId: 'p99',
              name: 'p99',
              unit: 's',
              steps: [
                [0.25, 'orange'],
                [1, 'red'],
              ],
            },
            { refId: 'slow', name: 'Slow queries/s', unit: 'short' },
          ],
          sortBy: { column: 'p99', desc: true },
          limit: 15,
          noValue: NO_DB,
        }),
        tablePanel('N+1 findings', [q.nPlusOne()], {
          columns: [{ refId: 'n1', name: 'Findings', unit: 'short' }],
          sortBy: { column: 'Findings', desc: true },
          linkRoutes: true,
          noValue: 'No N+1 pattern detected in this range.',
        }),
        tablePanel('Queries per request', [q.queriesPerRequest()], {
          description: 'Database operations per HTTP request, per route: high numbers are where N+1 patterns hide.',
          columns: [
            {
              refId: 'qpr',
              name: 'Queries/request',
              unit: 'short',
              steps: [
                [10, 'orange'],
                [50, 'red'],
              ],
            },
          ],
          sortBy: { column: 'Queries/request', desc: true },
          linkRoutes: true,
          noValue: NO_DB,
        })
      ),
      row(
        260,
        timeseriesPanel('Pool usage (used / max)', [q.poolUsage()], {
          unit: 'percentunit',
          description: `Connections in use as a share of each pool's maximum, by instance and ${POOL_LABEL}.`,
          noValue: 'No pool metrics (pg.Pool, mysql2 pools and knex report them).',
        }),
        timeseriesPanel('Pending connection requests', [q.poolPending()], {
          unit: 'short',
          noValue: 'No pool metrics (pg.Pool, mysql2 pools and knex report them).',
        }),
        timeseriesPanel('Errors by error_type', [q.errorRateByType()], {
          unit: 'ops',
          stack: true,
          noValue: 'No failed database operation in this range.',
        })
      ),
      new SceneFlexItem({ minHeight: 320, body: slowStatementsPanel(NO_LOKI) }),
      row(
        320,
        logsPanel('Slow query events', [q.slowQueryEvents()], { noValue: NO_LOKI }),
        logsPanel('N+1 events', [q.nPlusOneEvents()], { noValue: NO_LOKI })
      )
    ),
});
