// Database: operations by table, their latency and failures, slow queries, N+1 findings, pools.
import { DASHBOARD_UIDS } from '../names';
import { catalog, logql, promql } from '../queries';
import { buildDashboard } from './dashboard';
import { appLink, legend, over, SERVICE_LOG_SCOPE, SERVICE_AND_LOG_VARIABLES, SERVICE_SELECTOR } from './common';
import { logs, table, timeseries } from './panels';

const { TARGET_LABELS } = promql;
const OPS = catalog.dbClientOperationDuration;
type OpLabel = (typeof OPS.labelNames)[number];
const OPERATION: OpLabel = 'db_operation_name';
const TABLE: OpLabel = 'db_collection_name';
const ERROR_TYPE: OpLabel = 'error_type';
const ROUTE = 'http_route' satisfies (typeof catalog.pulseDbNPlusOne.labelNames)[number];
const POOL = 'db_client_connection_pool_name' satisfies (typeof catalog.dbClientConnectionMax.labelNames)[number];
const routeLink = {
  title: 'Route in the Pulse app',
  url: appLink('routes', `\${__field.labels.${ROUTE}:percentencode}`),
};

export function databaseDashboard() {
  return buildDashboard({
    uid: DASHBOARD_UIDS.database,
    title: 'Pulse / Database',
    summary:
      'Database operations by operation and table (rate, p95, failures), slow queries, N+1 findings per route and connection pools (pg, mysql2, knex).',
    appPage: 'database',
    sources: ['prometheus', 'loki'],
    variables: SERVICE_AND_LOG_VARIABLES,
    rows: [
      {
        title: 'Operations',
        panels: [
          timeseries({
            title: 'Operations per second by table',
            description: 'Database operations per second, by operation and main table.',
            source: 'prometheus',
            queries: [{ expr: promql.histogramRate(OPS, over([OPERATION, TABLE])), legend: legend(OPERATION, TABLE) }],
            unit: 'ops',
          }),
          timeseries({
            title: 'p95 duration by table',
            description: '95th percentile operation duration per main table.',
            source: 'prometheus',
            queries: [{ expr: promql.histogramQuantile(0.95, OPS, over([TABLE])), legend: legend(TABLE) }],
            unit: 's',
          }),
          timeseries({
            title: 'Failed operations by error type',
            description: 'Operations that failed, per second, by error type.',
            source: 'prometheus',
            queries: [{ expr: promql.histogramErrorRate(OPS, over([ERROR_TYPE])), legend: legend(ERROR_TYPE) }],
            unit: 'ops',
          }),
          timeseries({
            title: 'Slow queries by table',
            description:
              'Queries slower than db.slowQueries.thresholdMs, per second; each one is a slow_query event in Loki.',
            source: 'prometheus',
            queries: [{ expr: promql.slowQueryRate(over([TABLE])), legend: legend(TABLE) }],
            unit: 'ops',
          }),
        ],
      },
      {
        title: 'Per route',
        panels: [
          timeseries({
            title: 'Queries per request by route',
            description:
              'Database operations per HTTP request of each route: a route whose count grows with its data has an N+1.',
            source: 'prometheus',
            queries: [{ expr: promql.dbQueriesPerRequest(over()), legend: legend(ROUTE) }],
            min: 0,
            links: [routeLink],
          }),
          timeseries({
            title: 'N+1 findings by route',
            description: 'Requests in which one query pattern ran many times in a row (N+1), over the rate window.',
            source: 'prometheus',
            queries: [{ expr: promql.nPlusOneIncrease(over([ROUTE, TABLE])), legend: legend(ROUTE, TABLE) }],
            min: 0,
            links: [routeLink],
          }),
        ],
      },
      {
        title: 'Connection pools',
        panels: [
          timeseries({
            title: 'Pool in use',
            description: 'Connections in use as a share of the pool maximum.',
            source: 'prometheus',
            queries: [{ expr: promql.dbPoolUsage(SERVICE_SELECTOR), legend: legend(TARGET_LABELS.instance, POOL) }],
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
          timeseries({
            title: 'Requests waiting for a connection',
            description:
              'Requests queued for a pool connection: above 0 the pool is too small or connections are held too long.',
            source: 'prometheus',
            queries: [{ expr: promql.dbPoolPending(SERVICE_SELECTOR), legend: legend(TARGET_LABELS.instance, POOL) }],
            min: 0,
          }),
        ],
      },
      {
        title: 'Events (Loki)',
        panels: [
          table({
            title: 'N+1 findings by route (events)',
            description: 'n_plus_one events per route over the dashboard range.',
            source: 'loki',
            queries: [{ expr: logql.nPlusOneCountByRoute(SERVICE_LOG_SCOPE, '$__range'), instant: true }],
            links: [routeLink],
          }),
          logs({
            title: 'Slow queries',
            description: 'slow_query events: the normalised statement, its duration, route and trace id.',
            source: 'loki',
            queries: [{ expr: logql.slowQueries(SERVICE_LOG_SCOPE) }],
            w: 12,
          }),
        ],
      },
    ],
  });
}
