// The template variables every page has, and the selectors that use them. Pure: no React or
// Scenes imports, so the query modules and their tests can share it.
import { pulseRuntimeInfo } from '@pulse-apm/exporter/catalog';
import { selector, TARGET_LABELS, type Selector } from '@pulse-apm/exporter/queries/promql';
import { LOG_METADATA, type LogScope } from '@pulse-apm/exporter/queries/logql';
import { LABELS } from './labels';
import type { LabelValuesQuery } from './types';

/** Variable names (they appear in URLs as `var-<name>`, so they are part of the app's link format). */
export const VAR = {
  prometheus: 'prom',
  loki: 'loki',
  env: 'env',
  /** The service: Prometheus `job` = Loki `service_name` = Pulse `serviceName`. */
  service: 'job',
  instance: 'instance',
  /**
   * Hidden: the process ids (`service_instance_id`) of the selected instances, read from
   * pulse_runtime_info, which carries both. Loki's events know their process, not the scrape
   * address Prometheus calls `instance`; this is how the instance picker reaches the Loki panels.
   */
  instanceId: 'instance_id',
} as const;

export type VariableName = (typeof VAR)[keyof typeof VAR];

/** `$name`, as Grafana interpolates it. */
export function ref(name: VariableName): string {
  return `$${name}`;
}

/** `${name}`: the braced form, for data source uids inside strings. */
export function bracedRef(name: VariableName): string {
  return `\${${name}}`;
}

const ENV_LABEL = 'env' satisfies (typeof pulseRuntimeInfo.labelNames)[number];
const INSTANCE_ID_LABEL = LOG_METADATA.instance satisfies (typeof pulseRuntimeInfo.labelNames)[number];

/**
 * Env, service and instance come from `pulse_runtime_info`: it is the one series that carries
 * both the target labels and Pulse's `env`, so picking an environment narrows the services and
 * instances, and every other query only needs `job` and `instance`.
 */
export const variableQueries: Record<'env' | 'service' | 'instance' | 'instanceId', LabelValuesQuery> = {
  env: { seriesSelector: pulseRuntimeInfo.name, label: ENV_LABEL },
  service: {
    seriesSelector: `${pulseRuntimeInfo.name}${selector({ [ENV_LABEL]: { regex: ref(VAR.env) } })}`,
    label: TARGET_LABELS.job,
  },
  instance: {
    seriesSelector: `${pulseRuntimeInfo.name}${selector({
      [ENV_LABEL]: { regex: ref(VAR.env) },
      [TARGET_LABELS.job]: ref(VAR.service),
    })}`,
    label: TARGET_LABELS.instance,
  },
  instanceId: {
    seriesSelector: `${pulseRuntimeInfo.name}${selector({
      [ENV_LABEL]: { regex: ref(VAR.env) },
      [TARGET_LABELS.job]: ref(VAR.service),
      [TARGET_LABELS.instance]: { regex: ref(VAR.instance) },
    })}`,
    label: INSTANCE_ID_LABEL,
  },
};

/** The series of the selected service and instances: `{job="$job", instance=~"$instance"}`. */
export const serviceSelector: Selector = {
  [TARGET_LABELS.job]: ref(VAR.service),
  [TARGET_LABELS.instance]: { regex: ref(VAR.instance) },
};

/**
 * The selected service's events in Loki (env is a stream label there), narrowed to the processes
 * of the selected instances (`service_instance_id` metadata, matched against the hidden variable).
 */
export const logScope: LogScope = {
  service: ref(VAR.service),
  env: { regex: ref(VAR.env) },
  instance: { regex: ref(VAR.instanceId) },
};

/** Uptime probes of the selected service: file_sd gives each probed URL a `service_name` label (job is the prober's). */
export const probeSelector: Selector = { [LABELS.serviceName]: ref(VAR.service) };

/** Grafana's rate window: at least four scrape intervals, so rates never come out empty. */
export { GRAFANA_RATE_INTERVAL as RATE_WINDOW } from '@pulse-apm/exporter/queries/promql';
