// What the service dashboards share: the job/instance variables, their selector, the Loki scope.
import { appUrl, type AppPage } from '../names';
import { catalog, promql } from '../queries';
import type { LabelVariable } from './dashboard';

const { TARGET_LABELS } = promql;
const requests = promql.seriesName(catalog.httpServerRequestDuration, 'count');

const runtimeInfo = catalog.pulseRuntimeInfo.name;
/** Pulse's environment label (only pulse_runtime_info carries it next to the target labels). */
export const ENV = 'env' satisfies (typeof catalog.pulseRuntimeInfo.labelNames)[number];

/**
 * `env`, `job` (the service) and `instance`, as the app has them: env and service from
 * pulse_runtime_info (picking an environment narrows the services), instances from the HTTP
 * series. Same names as the app's variables, so links into the app carry them as `var-…`.
 */
export const SERVICE_VARIABLES: LabelVariable[] = [
  { name: ENV, label: 'Environment', query: `label_values(${runtimeInfo}, ${ENV})` },
  {
    name: TARGET_LABELS.job,
    label: 'Service',
    query: `label_values(${runtimeInfo}${promql.selector({ [ENV]: { regex: `$${ENV}` } })}, ${TARGET_LABELS.job})`,
  },
  {
    name: TARGET_LABELS.instance,
    label: 'Instance',
    query: `label_values(${requests}${promql.selector(promql.variableSelector([TARGET_LABELS.job]))}, ${TARGET_LABELS.instance})`,
  },
];

/**
 * Hidden, on dashboards with Loki panels: the process ids (`service_instance_id`) of the selected
 * instances, from pulse_runtime_info, which carries both. Loki's events name their process, not
 * the scrape address Prometheus calls `instance`: this is how the instance picker narrows them
 * (the app's `instance_id` variable, same name). Always "All" of what the pickers above select.
 */
export const INSTANCE_ID_VARIABLE: LabelVariable = {
  name: 'instance_id',
  label: 'Instance ids',
  query: `label_values(${runtimeInfo}${promql.selector({
    [ENV]: { regex: `$${ENV}` },
    [TARGET_LABELS.job]: { regex: `$${TARGET_LABELS.job}` },
    [TARGET_LABELS.instance]: { regex: `$${TARGET_LABELS.instance}` },
  })}, ${catalog.LOG_METADATA.instance satisfies (typeof catalog.pulseRuntimeInfo.labelNames)[number]})`,
  hidden: true,
};

/** The service variables plus the hidden instance ids: for dashboards with Loki panels. */
export const SERVICE_AND_LOG_VARIABLES: LabelVariable[] = [...SERVICE_VARIABLES, INSTANCE_ID_VARIABLE];

/** `{job=~"$job", instance=~"$instance"}`: what every PromQL panel of a service dashboard selects. */
export const SERVICE_SELECTOR = promql.variableSelector([TARGET_LABELS.job, TARGET_LABELS.instance]);

/** Aggregation options for dashboard panels: the variables' selector and Grafana's rate window. */
export function over(by?: readonly string[]): { selector: promql.Selector; window: string; by?: readonly string[] } {
  return { selector: SERVICE_SELECTOR, window: promql.GRAFANA_RATE_INTERVAL, ...(by ? { by } : {}) };
}

/**
 * The Loki side of the same selection: Loki's `service_name` is Prometheus's `job` (multi-value: a
 * regex), and the selected instances are their process ids (`| service_instance_id=~"$instance_id"`).
 */
export const SERVICE_LOG_SCOPE = {
  service: { regex: `$${TARGET_LABELS.job}` },
  instance: { regex: `$${INSTANCE_ID_VARIABLE.name}` },
};

/** Legend templates. */
export const legend = (...labels: string[]): string => labels.map((l) => `{{${l}}}`).join(' ');

/**
 * Query keys of a link into the app that keep the dashboard's time range, environment, service
 * and instances (`${var:queryparam}` → `var-job=demo`, one per value; "All" → `var-job=$__all`).
 */
export const KEEP_SELECTION = [
  '${__url_time_range}',
  ...[ENV, TARGET_LABELS.job, TARGET_LABELS.instance].map((v) => `\${${v}:queryparam}`),
].join('&');

/** A data link into an app page from a service dashboard, keeping the selection. */
export function appLink(page: AppPage, param?: string, extra = ''): string {
  return `${appUrl(page, param)}?${extra}${KEEP_SELECTION}`;
}
