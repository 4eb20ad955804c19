import type { AlertConfig } from '../config';
import { promql } from '../queries';
import type { AlertRule } from '../types';

// What the service depends on: its database (slow queries, pool, N+1), outgoing calls, and
// Pulse's own shipping of events to Loki.

const GROUP = 'pulse-dependencies';
const JOB = promql.TARGET_LABELS.job;

export function dependencyRules(config: AlertConfig): AlertRule[] {
  const slow = config.slowQueriesPerSecond;
  const pool = config.dbPoolUsageRatio;
  const dep = config.dependencyErrorRatio;
  const depBy = { by: [JOB, 'dependency'] };
  return [
    {
      kind: 'promql',
      name: 'PulseSlowQueries',
      group: GROUP,
      severity: 'warning',
      for: '10m',
      expr: `${promql.slowQueryRate({ by: [JOB, 'db_system_name', 'db_collection_name'] })} > ${slow}`,
      summary: 'slow queries on {{ $labels.db_collection_name }} ({{ $labels.job }})',
      description: `{{ $labels.job }} runs {{ printf "%.2f" $value }} slow {{ $labels.db_system_name }} queries per second on {{ $labels.db_collection_name }} (threshold ${slow}/s).`,
      doc: {
        meaning: "Queries slower than the exporter's `db.slowQueries.thresholdMs` keep coming on one table.",
        threshold: `More than ${slow} slow queries/s on a table for 10m.`,
        tune: '`slowQueriesPerSecond`; what counts as slow is `db.slowQueries.thresholdMs` in the exporter.',
        action:
          'Open the Database page: the slow_query events carry the normalised SQL; EXPLAIN it and check indexes and locks.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseDbPoolNearExhaustion',
      group: GROUP,
      severity: 'warning',
      for: '5m',
      expr: `${promql.dbPoolUsage()} > ${pool}`,
      summary: 'DB pool {{ $labels.db_client_connection_pool_name }} is nearly exhausted',
      description: `Pool {{ $labels.db_client_connection_pool_name }} of {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its connections (threshold ${pool * 100}%).`,
      doc: {
        meaning: 'Almost every connection of a pool is in use: the next requests will wait for one.',
        threshold: `More than ${pool * 100}% of the pool's maximum in use for 5m.`,
        tune: "`dbPoolUsageRatio`; or size the pool (`max`) to the database's capacity.",
        action:
          'Look for slow queries and long transactions holding connections; then raise the pool size if the database has room.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseDbPoolRequestsWaiting',
      group: GROUP,
      severity: 'warning',
      for: '5m',
      expr: `${promql.dbPoolPending()} > 0`,
      summary: 'requests wait for DB pool {{ $labels.db_client_connection_pool_name }}',
      description:
        '{{ $value }} requests of {{ $labels.instance }} wait for a connection from pool {{ $labels.db_client_connection_pool_name }}.',
      doc: {
        meaning: 'The pool is exhausted: requests queue for a connection and their latency grows.',
        threshold: 'Any request waiting, continuously for 5m.',
        tune: 'Raise `for` in the rule if short queues are normal for the service.',
        action: 'As PulseDbPoolNearExhaustion.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseNPlusOneQueries',
      group: GROUP,
      severity: 'info',
      for: '0m',
      expr: `${promql.nPlusOneIncrease({ by: [JOB, 'http_route', 'db_collection_name'] })} > 0`,
      summary: 'N+1 queries in {{ $labels.http_route }}',
      description:
        '{{ $labels.http_route }} ran one query pattern on {{ $labels.db_collection_name }} many times in a row (N+1 findings in 15m: {{ $value | humanize }}).',
      doc: {
        meaning: 'A route runs the same query once per item of a list (an N+1): it gets slower as data grows.',
        threshold: "Any N+1 finding in 15m (what counts is the exporter's `db.nPlusOne.threshold`).",
        tune: '`db.nPlusOne.threshold` in the exporter; this is an `info` rule: route it to a ticket queue.',
        action:
          "Open the route's N+1 events (they carry the repeated SQL) and batch the query (`WHERE id IN (…)`, a join, a dataloader).",
      },
    },
    {
      kind: 'promql',
      name: 'PulseDependencyErrorRatio',
      group: GROUP,
      severity: 'warning',
      for: '5m',
      expr: `${promql.dependencyErrorRatio(depBy)} > ${dep.threshold} and on (${depBy.by.join(', ')}) ${promql.dependencyRate(depBy)} > ${dep.minCallsPerSecond}`,
      summary: 'calls to {{ $labels.dependency }} fail',
      description: `{{ $value | humanizePercentage }} of {{ $labels.job }}'s calls to {{ $labels.dependency }} fail (threshold ${dep.threshold * 100}%).`,
      doc: {
        meaning: 'A large share of calls to a dependency (HTTP service or anything in `trackDependency`) fail.',
        threshold: `${dep.threshold * 100}% of calls over 5m, for 5m, when there are more than ${dep.minCallsPerSecond} calls/s.`,
        tune: '`dependencyErrorRatio.threshold`, `dependencyErrorRatio.minCallsPerSecond`.',
        action:
          'Open the Dependencies page: `error_type` (timeout, connection_refused, 5xx) says whether the dependency is down, slow or rejecting.',
      },
    },
    {
      kind: 'promql',
      name: 'PulseLokiShippingDrops',
      group: GROUP,
      severity: 'warning',
      for: '10m',
      expr: `${promql.logDropRate({ by: [JOB, 'reason'] })} > 0`,
      summary: '{{ $labels.job }} drops log events ({{ $labels.reason }})',
      description:
        '{{ $labels.job }} drops {{ printf "%.2f" $value }} events/s before they reach Loki (reason {{ $labels.reason }}).',
      doc: {
        meaning: 'Events and logs are lost on the way to Loki: the log-based alerts and the Errors page miss them.',
        threshold: 'Any drop, continuously for 10m.',
        tune: '`reason` says which knob: `buffer_full` → `logs.loki.bufferMaxBytes`; `throttled` → `errors.maxEventsPerSecond`; `rejected` → Loki limits; `retries_exhausted` → Loki availability.',
        action: 'Check Loki is up and accepts pushes (429 = rate limits); see pulse_log_events_total by reason.',
      },
    },
  ];
}
