// What the service dashboards share: the job/instance variables, their selector, the Loki scope.
import { catalog, promql } from '../queries';
import type { LabelVariable } from './dashboard';

const { TARGET_LABELS } = promql;
const requests = promql.seriesName(catalog.httpServerRequestDuration, 'count');

/** `job` (the service) and `instance`, from the series every Pulse-instrumented service has. */
export const SERVICE_VARIABLES: LabelVariable[] = [
  { name: TARGET_LABELS.job, label: 'Service', query: `label_values(${requests}, ${TARGET_LABELS.job})` },
  {
    name: TARGET_LABELS.instance,
    label: 'Instance',
    query: `label_values(${requests}${promql.selector(promql.variableSelector([TARGET_LABELS.job]))}, ${TARGET_LABELS.instance})`,
  },
];

/** `{job=~"$job", instance=~"$instance"}`: what every PromQL panel of a service dashboard selects. */
export const SERVICE_SELECTOR = promql.variableSelector([TARGET_LABELS.job, TARGET_LABELS.instance]);

/** Aggregation options for dashboard panels: the variables' selector and Grafana's rate window. */
export function over(by?: readonly string[]): { selector: promql.Selector; window: string; by?: readonly string[] } {
  return { selector: SERVICE_SELECTOR, window: promql.GRAFANA_RATE_INTERVAL, ...(by ? { by } : {}) };
}

/** The Loki side of the same selection: Loki's `service_name` is Prometheus's `job` (multi-value: a regex). */
export const SERVICE_LOG_SCOPE = { service: { regex: `$${TARGET_LABELS.job}` } };

/** Legend templates. */
export const legend = (...labels: string[]): string => labels.map((l) => `{{${l}}}`).join(' ');
