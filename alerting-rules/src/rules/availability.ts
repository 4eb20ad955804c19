import type { AlertConfig } from '../config';
import { catalog, logql, promql } from '../queries';
import type { AlertRule } from '../types';

// Is the service there and healthy: server lost (Prometheus + Loki), vanished, crash loop,
// target down, health checks.

const GROUP = 'pulse-availability';
const JOB = promql.TARGET_LABELS.job;
const SERVICE = logql.LOKI_LABELS.serviceName;
/** How far back a graceful stop explains a vanished target (a rollout's restart time). */
const ROLLOUT_WINDOW = '10m';

function serverLost(service: string): AlertRule {
  const up = promql.targetUp({ [JOB]: service });
  // Distinct processes (Loki's `host:pid` instance id) that stopped gracefully in the window.
  const graceful = logql.gracefulStops({ service }, ROLLOUT_WINDOW);
  return {
    kind: 'server-lost',
    name: 'PulseServerLost',
    variant: service,
    service,
    group: GROUP,
    severity: 'critical',
    for: '1m',
    labels: { [JOB]: service, [SERVICE]: service },
    link: { page: 'overview' },
    downInstancesQuery: `${up} == 0`,
    // `or vector(0)`: none must read as 0, not as "no data".
    downCountQuery: `count(${up} == 0) or vector(0)`,
    gracefulStopsQuery: `count(sum by (${logql.LOG_METADATA.instance}) (${graceful})) or vector(0)`,
    promExpr: `${up} == 0`,
    summary: `${service}: instance {{ $labels.instance }} stopped answering scrapes`,
    description: `Prometheus cannot scrape ${service} at {{ $labels.instance }}, and ${service} has more instances down than processes it stopped gracefully in the last ${ROLLOUT_WINDOW}.`,
    doc: {
      meaning:
        "Prometheus cannot scrape an instance of a service (`up == 0`) that did not stop gracefully: it crashed, hangs or its host is gone. One alert per instance, naming it. A rollout stops instances gracefully (a `lifecycle` stop event with SIGTERM, SIGINT or shutdown in Loki), so it does not page. Loki knows processes by `host:pid` and Prometheus by `host:port`, so the Grafana rule counts: it fires for the down instances while the service has more of them than graceful stops in the window (one instance's graceful stop cannot hide another's crash). The Prometheus mirror sees `up` only and fires on rollouts that leave a target down too.",
      threshold: `\`up == 0\` for 1m, with fewer graceful stops than down instances in ${ROLLOUT_WINDOW}.`,
      tune: '`services` (one rule per service: Prometheus `job` = Loki `service_name`).',
      action:
        'Check the process (crash loop, OOM kill: see the last `lifecycle` and `error` events in Loki), then the host and the network path from Prometheus.',
    },
  };
}

/** Every target of a service gone (no `up` series at all: scaled to zero, removed from discovery). */
function serviceAbsent(service: string, forDuration: string): AlertRule {
  return {
    kind: 'promql',
    name: 'PulseServiceAbsent',
    variant: service,
    group: GROUP,
    severity: 'critical',
    for: forDuration,
    expr: `absent(${promql.targetUp({ [JOB]: service })})`,
    labels: { [JOB]: service, [SERVICE]: service },
    link: { page: 'overview' },
    summary: `${service} has vanished: Prometheus has no target of it`,
    description: `Prometheus has had no \`up\` series for ${service} for ${forDuration}: every instance is gone from service discovery (or the scrape job is gone).`,
    doc: {
      meaning:
        'No instance of a service is known to Prometheus at all, so there is no `up == 0` to alert on: the deployment was scaled to zero or deleted, or service discovery lost it.',
      threshold: `No \`up\` series of the service for ${forDuration}.`,
      tune: '`services` (one rule per service), `serviceAbsentFor`.',
      action: 'Check the deployment (replicas, failed scheduling) and the scrape configuration / service discovery.',
    },
  };
}

/** Restarts of one instance in a window: one is a warning (PulseProcessCrashed, from Loki); a loop pages. */
function crashLoop(config: AlertConfig): AlertRule {
  const { restarts, window } = config.crashLoop;
  const start = promql.defaultMetric('process_start_time_seconds');
  return {
    kind: 'promql',
    name: 'PulseCrashLooping',
    group: GROUP,
    severity: 'critical',
    for: '0m',
    expr: `changes(${start}[${window}]) >= ${restarts}`,
    link: { page: 'runtime' },
    summary: '{{ $labels.job }} instance {{ $labels.instance }} is restarting in a loop',
    description: `{{ $labels.instance }} ({{ $labels.job }}) started {{ $value }} times in ${window} (threshold ${restarts}).`,
    doc: {
      meaning:
        'An instance keeps restarting: each start is a new `process_start_time_seconds`. A rollout restarts an instance once; a single crash that restarts cleanly is PulseProcessCrashed (a warning); this many restarts is a crash loop and pages. An instance run as a cluster (node:cluster, PM2) has no `process_start_time_seconds` (its workers start at different times, so the merged scrape leaves it out, as prom-client does): this rule does not see its workers restart.',
      threshold: `${restarts} or more restarts of one instance in ${window}.`,
      tune: '`crashLoop.restarts`, `crashLoop.window`.',
      action:
        'Read the `error` and `lifecycle` events before each stop in Loki (uncaught exception, OOM kill, failing start-up check) and roll back the last deploy if it started then.',
    },
  };
}

function targetDown(config: AlertConfig): AlertRule {
  const others = config.services.length > 0 ? { [JOB]: { notRegex: config.services.join('|') } } : {};
  return {
    kind: 'promql',
    name: 'PulseTargetDown',
    group: GROUP,
    severity: 'critical',
    for: '1m',
    expr: `${promql.targetUp(others)} == 0`,
    summary: '{{ $labels.job }} target {{ $labels.instance }} is down',
    description: 'Prometheus has failed to scrape {{ $labels.instance }} ({{ $labels.job }}) for 1m.',
    doc: {
      meaning: 'Prometheus cannot scrape a target that is not in `services` (those get PulseServerLost).',
      threshold: '`up == 0` for 1m.',
      tune: 'Add the job to `services` to get the rollout-aware rule instead.',
      action: 'Check the process, its `/metrics` endpoint and the network path from Prometheus.',
    },
  };
}

/**
 * Each worker of a clustered instance (node:cluster, PM2) runs every check and reports it under its
 * `worker` label: one alert per instance and check (the worst worker's status), not one per worker.
 */
const acrossWorkers = (aggregate: 'min' | 'max', expr: string): string =>
  `${aggregate} without (${catalog.WORKER_LABEL}) (${expr})`;

function healthRules(): AlertRule[] {
  return [
    {
      kind: 'promql',
      name: 'PulseCriticalHealthCheckFailing',
      group: GROUP,
      severity: 'critical',
      for: '1m',
      expr: `${acrossWorkers('min', promql.healthCheckStatus({ critical: true }))} == ${promql.HEALTH_UNHEALTHY}`,
      summary: 'critical health check {{ $labels.check }} fails on {{ $labels.job }}',
      description:
        'Health check {{ $labels.check }} of {{ $labels.instance }} is unhealthy: the service reports itself unhealthy.',
      doc: {
        meaning:
          'A health check registered as critical reports unhealthy (or timed out): the service cannot do its job.',
        threshold: 'Status 0 (unhealthy) for 1m.',
        tune: 'Mark a check `critical: false` in `pulse.health` if losing it does not make the service useless.',
        action: "Open the Health page: the check's last error and duration name the failing dependency.",
      },
    },
    {
      kind: 'promql',
      name: 'PulseHealthCheckFailing',
      group: GROUP,
      severity: 'warning',
      for: '5m',
      expr: `${acrossWorkers('min', promql.healthCheckStatus({ critical: false }))} < 1`,
      summary: 'health check {{ $labels.check }} degraded on {{ $labels.job }}',
      description:
        'Non-critical health check {{ $labels.check }} of {{ $labels.instance }} reports {{ $value }} (1 healthy, 0.5 degraded, 0 unhealthy).',
      doc: {
        meaning: 'A non-critical health check is degraded or unhealthy: the service runs with reduced function.',
        threshold: 'Status below 1 for 5m.',
        tune: 'Raise `for` in the rule or make the check tolerant in the app.',
        action: "Open the Health page for the check's last error.",
      },
    },
    {
      kind: 'promql',
      name: 'PulseHealthCheckFlapping',
      group: GROUP,
      severity: 'warning',
      for: '2m',
      expr: `${acrossWorkers('max', promql.healthCheckFlapping())} == 1`,
      summary: 'health check {{ $labels.check }} flaps on {{ $labels.job }}',
      description: 'Health check {{ $labels.check }} of {{ $labels.instance }} changes status more often than allowed.',
      doc: {
        meaning:
          'A health check keeps changing status: an intermittent dependency, a timeout too close to normal latency, or a saturated pool.',
        threshold: "The exporter's flapping flag (status changes within the flapping window) set for 2m.",
        tune: 'The flapping window and change count are `health` options of the exporter.',
        action: "Compare the check's duration with its timeout; look for a dependency with intermittent errors.",
      },
    },
  ];
}

export function availabilityRules(config: AlertConfig): AlertRule[] {
  return [
    ...config.services.map(serverLost),
    ...config.services.map((s) => serviceAbsent(s, config.serviceAbsentFor)),
    crashLoop(config),
    { link: { page: 'overview' }, ...targetDown(config) },
    ...healthRules().map((r): AlertRule => ({ link: { page: 'health' }, ...r })),
  ];
}
