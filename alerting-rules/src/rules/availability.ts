import type { AlertConfig } from '../config';
import { logql, promql } from '../queries';
import type { AlertRule } from '../types';

// Is the service there and healthy: server lost (Prometheus + Loki), target down, health checks.

const GROUP = 'pulse-availability';
const JOB = promql.TARGET_LABELS.job;
/** How far back a graceful stop explains a vanished target (a rollout's restart time). */
const ROLLOUT_WINDOW = '10m';

function serverLost(service: string): AlertRule {
  const up = promql.targetUp({ [JOB]: service });
  return {
    kind: 'server-lost',
    name: 'PulseServerLost',
    variant: service,
    service,
    group: GROUP,
    severity: 'critical',
    for: '1m',
    // Grafana's combined result has no labels of its own: name the service for routing and grouping.
    labels: { [logql.LOKI_LABELS.serviceName]: service },
    downQuery: `count(${up} == 0)`,
    // `or vector(0)`: no graceful stop must read as 0, not as "no data".
    gracefulStopsQuery: `sum(${logql.gracefulStops({ service }, ROLLOUT_WINDOW)}) or vector(0)`,
    promExpr: `${up} == 0`,
    summary: `${service}: an instance stopped answering scrapes`,
    description: `Prometheus cannot scrape an instance of ${service} and the service logged no graceful stop in the last ${ROLLOUT_WINDOW}.`,
    doc: {
      meaning:
        'Prometheus cannot scrape an instance of a service (`up == 0`) and the service wrote no graceful `lifecycle` stop event (SIGTERM, SIGINT, shutdown) to Loki: it crashed, hangs or its host is gone. A rollout stops instances gracefully, so it does not page. The Prometheus mirror sees `up` only and fires on rollouts too.',
      threshold: `\`up == 0\` for 1m, no graceful stop in ${ROLLOUT_WINDOW}.`,
      tune: '`services` (one rule per service: Prometheus `job` = Loki `service_name`).',
      action:
        'Check the process (crash loop, OOM kill: see the last `lifecycle` and `error` events in Loki), then the host and the network path from Prometheus.',
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

function healthRules(): AlertRule[] {
  return [
    {
      kind: 'promql',
      name: 'PulseCriticalHealthCheckFailing',
      group: GROUP,
      severity: 'critical',
      for: '1m',
      expr: `${promql.healthCheckStatus({ critical: true })} == ${promql.HEALTH_UNHEALTHY}`,
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
      expr: `${promql.healthCheckStatus({ critical: false })} < 1`,
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
      expr: `${promql.healthCheckFlapping()} == 1`,
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
  return [...config.services.map(serverLost), targetDown(config), ...healthRules()];
}
