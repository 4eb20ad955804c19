import { DB_DURATION_BUCKETS } from './buckets';
import { defineMetric } from './types';

// Database client metrics (pg, mysql2, knex). The first four are the OpenTelemetry database
// semantic conventions as Prometheus names; the `pulse_db_*` ones are Pulse's own findings.

/** `db_operation_name` of a statement whose first keyword Pulse does not know (keeps the label bounded). */
export const DB_OTHER_OPERATION = '_OTHER';
/** `db_operation_name` of a connection attempt (no statement was sent). */
export const DB_CONNECT_OPERATION = 'CONNECT';
/** Values of `db_client_connection_state`. */
export const DB_CONNECTION_STATES = ['idle', 'used'] as const;
/** `event_kind` values counted by `pulse_db_events_total`. */
export const DB_EVENT_KINDS = ['slow_query', 'n_plus_one'] as const;
/** `outcome` values of `pulse_db_events_total`: sent to the event sink, or dropped by `db.maxEventsPerSecond`. */
export const DB_EVENT_OUTCOMES = ['emitted', 'throttled'] as const;

const operationLabels = ['db_system_name', 'db_operation_name', 'db_collection_name', 'error_type'] as const;

export const dbClientOperationDuration = defineMetric({
  name: 'db_client_operation_duration_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'Duration of database client operations, by operation and main table (error_type set on failure).',
  labelNames: operationLabels,
  buckets: DB_DURATION_BUCKETS,
  signal: 'db',
});

export const dbClientConnectionCount = defineMetric({
  name: 'db_client_connection_count',
  type: 'gauge',
  unit: '',
  help: 'Connections in a client pool, by state (idle or used).',
  labelNames: ['db_client_connection_state', 'db_client_connection_pool_name'],
  signal: 'db',
  clusterAggregation: 'sum',
});

export const dbClientConnectionPendingRequests = defineMetric({
  name: 'db_client_connection_pending_requests',
  type: 'gauge',
  unit: '',
  help: 'Requests waiting for a connection from a client pool.',
  labelNames: ['db_client_connection_pool_name'],
  signal: 'db',
  clusterAggregation: 'sum',
});

export const dbClientConnectionMax = defineMetric({
  name: 'db_client_connection_max',
  type: 'gauge',
  unit: '',
  help: 'Maximum number of connections a client pool allows.',
  labelNames: ['db_client_connection_pool_name'],
  signal: 'db',
  clusterAggregation: 'sum',
});

const routeQueryLabels = ['http_route', 'db_system_name', 'db_operation_name', 'db_collection_name'] as const;

export const pulseDbRouteQueries = defineMetric({
  name: 'pulse_db_route_queries_total',
  type: 'counter',
  unit: '',
  help: 'Database operations run while serving each route, by operation and main table.',
  labelNames: routeQueryLabels,
  signal: 'db',
});

export const pulseDbRouteQueryDuration = defineMetric({
  name: 'pulse_db_route_query_duration_seconds_total',
  type: 'counter',
  unit: 'seconds',
  help: 'Time spent in database operations while serving each route, by operation and main table.',
  labelNames: routeQueryLabels,
  signal: 'db',
});

export const pulseDbNPlusOne = defineMetric({
  name: 'pulse_db_n_plus_one_total',
  type: 'counter',
  unit: '',
  help: 'Requests in which one query pattern ran db.nPlusOne.threshold or more times one after another (N+1).',
  labelNames: ['http_route', 'db_collection_name'],
  signal: 'db',
});

export const pulseDbSlowQueries = defineMetric({
  name: 'pulse_db_slow_queries_total',
  type: 'counter',
  unit: '',
  help: 'Queries slower than db.slowQueries.thresholdMs (each one is a slow_query event unless throttled).',
  labelNames: ['db_system_name', 'db_operation_name', 'db_collection_name'],
  signal: 'db',
});

export const pulseDbEvents = defineMetric({
  name: 'pulse_db_events_total',
  type: 'counter',
  unit: '',
  help: 'Structured events of the db signal (slow_query, n_plus_one), emitted or throttled by db.maxEventsPerSecond.',
  labelNames: ['event_kind', 'outcome'],
  signal: 'db',
});

export const pulseDbUntrackedQueries = defineMetric({
  name: 'pulse_db_untracked_queries_total',
  type: 'counter',
  unit: '',
  help: 'Queries left out of per-route counts and N+1 detection because their request already tracked the maximum number of distinct patterns.',
  labelNames: [],
  signal: 'db',
});
