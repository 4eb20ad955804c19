// Services: every Pulse service at a glance (RED, health, instances) and the map of who calls whom,
// across all services of the selected environment — no service variable here.
import {
  httpClientRequestDuration,
  pulseDependencyDuration,
  pulseHealthStatus,
  pulseRuntimeInfo,
} from '@pulse-apm/exporter/catalog';
import {
  dependencyRate,
  errorRate,
  gaugeValue,
  histogramErrorRate,
  histogramQuantile,
  histogramRate,
  latencyQuantile,
  requestRate,
  selector,
  type AggregateOptions,
} from '@pulse-apm/exporter/queries/promql';
import { DEP_LABELS } from './dependencies';
import { LABELS } from './labels';
import { SELECTED_RANGE, table } from './targets';
import type { PromTarget } from './types';
import { ref, VAR } from './variables';

const ENV_LABEL = 'env' satisfies (typeof pulseRuntimeInfo.labelNames)[number];

/** Only the services reporting in the selected environment (pulse_runtime_info is the series that carries `env`). */
export function inSelectedEnv(expr: string): string {
  const services = `group by (${LABELS.job}) (${pulseRuntimeInfo.name}${selector({ [ENV_LABEL]: { regex: ref(VAR.env) } })})`;
  return `(${expr}) and on (${LABELS.job}) ${services}`;
}

const perService = (by: readonly string[] = [LABELS.job]): AggregateOptions => ({ window: SELECTED_RANGE, by });

/**
 * Failed share with the healthy case as 0, not absent: `failures / total` has no series where
 * nothing failed, so the missing failures are filled in as `total * 0` first.
 */
function ratioOrZero(failures: string, total: string): string {
  return `(${failures} or ${total} * 0) / ${total}`;
}

/** Share (0–1) of requests answered with a 5xx, per service; 0 for a service without one. */
export function serviceErrorRatio(o: AggregateOptions): string {
  return ratioOrZero(errorRate(o), requestRate(o));
}

/** refIds of the services table's instant queries (the table transformation reads them by refId). */
export const SERVICE_REFS = {
  rate: 'rate',
  errors: 'errors',
  p95: 'p95',
  health: 'health',
  instances: 'instances',
  processes: 'processes',
} as const;

/** refIds of the service map's instant queries. */
export const MAP_REFS = {
  ...SERVICE_REFS,
  depRate: 'depRate',
  depErrors: 'depErrors',
  depP95: 'depP95',
  /** Outgoing HTTP calls by server address: a dependency whose host is a service's name is that service. */
  hosts: 'hosts',
} as const;

const BY_CALL = [LABELS.job, DEP_LABELS.dependency];

// pulse_runtime_info is one series per process: one per instance, or one per worker (`worker`
// label) of an instance run as a cluster (node:cluster, PM2), whose one scrape answers for all.
const runtimeInfo = pulseRuntimeInfo.name;
/** Instances (scrape targets) reporting now, per service: a clustered instance counts once. */
export const instanceCount = `count by (${LABELS.job}) (count by (${LABELS.job}, ${LABELS.instance}) (${runtimeInfo}))`;
/** Processes reporting now, per service: every worker of a clustered instance (= instances without clusters). */
export const processCount = `count by (${LABELS.job}) (${runtimeInfo})`;

export const servicesQueries = {
  /** One row per service over the selected range: RED, worst health, instances and processes reporting now. */
  table: (): PromTarget[] => [
    table(SERVICE_REFS.rate, inSelectedEnv(requestRate(perService()))),
    table(SERVICE_REFS.errors, inSelectedEnv(serviceErrorRatio(perService()))),
    table(SERVICE_REFS.p95, inSelectedEnv(latencyQuantile(0.95, perService()))),
    table(SERVICE_REFS.health, inSelectedEnv(gaugeValue(pulseHealthStatus, { by: [LABELS.job], aggregate: 'min' }))),
    table(SERVICE_REFS.instances, inSelectedEnv(instanceCount)),
    table(SERVICE_REFS.processes, inSelectedEnv(processCount)),
  ],
  /** The map's inputs: each service's own RED, and each service's calls per dependency (and its hosts). */
  map: (): PromTarget[] => [
    table(MAP_REFS.rate, inSelectedEnv(requestRate(perService()))),
    table(MAP_REFS.errors, inSelectedEnv(serviceErrorRatio(perService()))),
    table(MAP_REFS.p95, inSelectedEnv(latencyQuantile(0.95, perService()))),
    table(MAP_REFS.depRate, inSelectedEnv(dependencyRate(perService(BY_CALL)))),
    table(
      MAP_REFS.depErrors,
      inSelectedEnv(
        ratioOrZero(
          histogramErrorRate(pulseDependencyDuration, perService(BY_CALL)),
          dependencyRate(perService(BY_CALL))
        )
      )
    ),
    table(MAP_REFS.depP95, inSelectedEnv(histogramQuantile(0.95, pulseDependencyDuration, perService(BY_CALL)))),
    table(
      MAP_REFS.hosts,
      inSelectedEnv(histogramRate(httpClientRequestDuration, perService([...BY_CALL, DEP_LABELS.server])))
    ),
  ],
};
