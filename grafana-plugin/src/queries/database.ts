// Database: which operations and tables are slow or failing, which routes run too many queries,
// and whether the connection pools keep up.
import { dbClientConnectionMax, dbClientOperationDuration, type LabelName } from '@pulse-apm/exporter/catalog';
import { logqlString, nPlusOneFindings, slowQueries as slowQueryEvents } from '@pulse-apm/exporter/queries/logql';
import {
  dbPoolPending,
  dbPoolUsage,
  dbQueriesPerRequest,
  histogramErrorRate,
  histogramQuantile,
  histogramRate,
  nPlusOneIncrease,
  selector,
  seriesName,
  slowQueryRate,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend } from './labels';
import { PERCENTILES } from './overview';
import { overRange, overRateWindow, SELECTED_RANGE, table } from './targets';
import type { EmptyStateProbe, LokiTarget, PromTarget } from './types';
import { logScope, serviceSelector } from './variables';

/** Pool label of the connection gauges (checked against the catalog at compile time). */
export const POOL_LABEL = 'db_client_connection_pool_name' satisfies LabelName<typeof dbClientConnectionMax>;

/** JSON fields of a slow_query event (exporter/src/db/slow-queries.ts writes them). */
export const SLOW_QUERY_FIELDS = { statement: 'db_query_text', caller: 'caller', durationMs: 'duration_ms' } as const;

/** Labels of the slow-statements rows: the statement and caller extracted from the line, the route (metadata). */
export const STATEMENT_LABELS = { statement: 'statement', caller: 'caller', route: LABELS.route } as const;
const STATEMENT_GROUP = Object.values(STATEMENT_LABELS).join(', ');

/** refIds of the slow-statements queries (the table's row builder reads them). */
export const SLOW_STATEMENT_REFS = { count: 'count', slowest: 'slowest' } as const;

/** `| json statement="db_query_text", caller="caller"[, duration_ms="duration_ms"]`: only what the rows need. */
function extract(withDuration: boolean): string {
  const fields: Array<[string, string]> = [
    [STATEMENT_LABELS.statement, SLOW_QUERY_FIELDS.statement],
    [STATEMENT_LABELS.caller, SLOW_QUERY_FIELDS.caller],
  ];
  if (withDuration) {
    fields.push([SLOW_QUERY_FIELDS.durationMs, SLOW_QUERY_FIELDS.durationMs]);
  }
  return `| json ${fields.map(([label, field]) => `${label}=${logqlString(field)}`).join(', ')}`;
}

/** An operation: database system, operation (SELECT, INSERT…) and main table. */
const OPERATION = [LABELS.dbSystem, LABELS.dbOperation, LABELS.dbCollection];

/** Display names of the operations table's value columns, by refId. */
export const OPERATIONS_TABLE_COLUMNS: Record<string, string> = {
  rate: 'Operations/s',
  errors: 'Errors/s',
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
};

export const databaseQueries = {
  /** Operations per second by operation and table. */
  operationRate: (): PromTarget => ({
    refId: 'ops',
    expr: histogramRate(dbClientOperationDuration, overRateWindow([LABELS.dbOperation, LABELS.dbCollection])),
    legendFormat: legend(LABELS.dbOperation, LABELS.dbCollection),
  }),
  /** p95 operation latency over time by operation and table. */
  operationLatency: (): PromTarget => ({
    refId: 'p95',
    expr: histogramQuantile(0.95, dbClientOperationDuration, overRateWindow([LABELS.dbOperation, LABELS.dbCollection])),
    legendFormat: legend(LABELS.dbOperation, LABELS.dbCollection),
  }),
  /** Every operation over the selected range: rate, errors and percentiles (one table, joined on the operation labels). */
  operationsTable: (): PromTarget[] => [
    table('rate', histogramRate(dbClientOperationDuration, overRange(OPERATION))),
    table('errors', histogramErrorRate(dbClientOperationDuration, overRange(OPERATION))),
    ...PERCENTILES.map(([q, name]) =>
      table(name, histogramQuantile(q, dbClientOperationDuration, overRange(OPERATION)))
    ),
  ],
  /** Slowest operation patterns: p99 over the range and how often they crossed the slow-query threshold. */
  slowestPatterns: (): PromTarget[] => [
    table('p99', histogramQuantile(0.99, dbClientOperationDuration, overRange(OPERATION))),
    table('slow', slowQueryRate(overRange(OPERATION))),
  ],
  /** Failed operations per second by `error_type`. */
  errorRateByType: (): PromTarget => ({
    refId: 'errors',
    expr: histogramErrorRate(dbClientOperationDuration, overRateWindow([LABELS.errorType])),
    legendFormat: legend(LABELS.errorType),
  }),
  /** N+1 findings over the range, per route and table. */
  nPlusOne: (): PromTarget => table('n1', nPlusOneIncrease(overRange([LABELS.route, LABELS.dbCollection]))),
  /** Database operations per HTTP request, per route (the N+1 smell as a number). */
  queriesPerRequest: (): PromTarget => table('qpr', dbQueriesPerRequest(overRange([]))),
  /** Connections in use / pool maximum, per instance and pool. */
  poolUsage: (): PromTarget => ({
    refId: 'pool',
    expr: dbPoolUsage(serviceSelector),
    legendFormat: legend(LABELS.instance, POOL_LABEL),
  }),
  /** Requests waiting for a connection, per instance and pool. */
  poolPending: (): PromTarget => ({
    refId: 'pending',
    expr: dbPoolPending(serviceSelector),
    legendFormat: legend(LABELS.instance, POOL_LABEL),
  }),
  /**
   * Slow statements over the selected range, from the slow-query events: one row per normalised
   * statement, caller (file:line, when `db.slowQueries.caller` is on) and route, with how often
   * it was slow and its slowest run. Two instant Loki queries, joined by their labels.
   */
  slowStatements: (): LokiTarget[] => [
    {
      refId: SLOW_STATEMENT_REFS.count,
      expr: `sum by (${STATEMENT_GROUP}) (count_over_time(${slowQueryEvents(logScope)} ${extract(false)} [${SELECTED_RANGE}]))`,
      queryType: 'instant',
    },
    {
      refId: SLOW_STATEMENT_REFS.slowest,
      expr: `max_over_time(${slowQueryEvents(logScope)} ${extract(true)} | unwrap ${SLOW_QUERY_FIELDS.durationMs} | __error__="" [${SELECTED_RANGE}]) by (${STATEMENT_GROUP})`,
      queryType: 'instant',
    },
  ],
  /** Slow query events in Loki: statement text (normalised), duration, route and trace id. */
  slowQueryEvents: (): LokiTarget => ({ refId: 'slowq', expr: slowQueryEvents(logScope), maxLines: 100 }),
  nPlusOneEvents: (): LokiTarget => ({ refId: 'n1', expr: nPlusOneFindings(logScope), maxLines: 100 }),
};

/** The db signal is off when the operation histogram has no series for the selected service. */
export const databaseProbe: EmptyStateProbe = {
  expr: `${seriesName(dbClientOperationDuration, 'count')}${selector(serviceSelector)}`,
  title: 'No database metrics',
  hint: 'No database metrics: enable `db` in createPulse (`db: { pg: true }`, or `mysql2`, `knex`) and run some queries.',
};
