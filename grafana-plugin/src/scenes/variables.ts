import { DataSourceVariable, QueryVariable, SceneVariableSet, type SceneVariable } from '@grafana/scenes';
import { VariableHide, VariableRefresh, VariableSort } from '@grafana/schema';
import { labelValues } from '../queries/types';
import { VAR, variableQueries } from '../queries/variables';
import type { ResolvedSettings } from '../settings';
import { PROMETHEUS_DS } from './datasources';

/** URL keys kept when moving between pages, so the selection and time range follow the user (the hidden instance ids follow the instances). */
export const PRESERVED_URL_KEYS = [
  'from',
  'to',
  'refresh',
  ...Object.values(VAR)
    .filter((name) => name !== VAR.instanceId)
    .map((name) => `var-${name}`),
];

export function labelValuesVariable(
  name: string,
  label: string,
  query: string,
  multi: { isMulti: boolean; includeAll: boolean }
): QueryVariable {
  return new QueryVariable({
    name,
    label,
    datasource: PROMETHEUS_DS,
    query: { query, refId: `var-${name}` },
    refresh: VariableRefresh.onTimeRangeChanged,
    sort: VariableSort.alphabeticalAsc,
    ...multi,
    // "All" means "any value", not a list of every value seen (which can exceed URL limits).
    allValue: multi.includeAll ? '.*' : undefined,
    defaultToAll: multi.includeAll,
  });
}

/** The variables every page has: data sources, environment, service (`job`) and instance. */
export function buildCommonVariables(settings: ResolvedSettings): SceneVariable[] {
  return [
    new DataSourceVariable({
      name: VAR.prometheus,
      label: 'Prometheus',
      pluginId: 'prometheus',
      value: settings.prometheusUid,
    }),
    new DataSourceVariable({ name: VAR.loki, label: 'Loki', pluginId: 'loki', value: settings.lokiUid }),
    labelValuesVariable(VAR.env, 'Environment', labelValues(variableQueries.env), { isMulti: false, includeAll: true }),
    labelValuesVariable(VAR.service, 'Service', labelValues(variableQueries.service), {
      isMulti: false,
      includeAll: false,
    }),
    labelValuesVariable(VAR.instance, 'Instance', labelValues(variableQueries.instance), {
      isMulti: true,
      includeAll: true,
    }),
    instanceIdVariable(),
  ];
}

/**
 * The selected instances' process ids, always "all of them": no `allValue`, so Grafana
 * interpolates the list itself (`(a|b)` in a regex), re-queried whenever the instances change.
 */
function instanceIdVariable(): QueryVariable {
  return new QueryVariable({
    name: VAR.instanceId,
    label: 'Instance ids',
    datasource: PROMETHEUS_DS,
    query: { query: labelValues(variableQueries.instanceId), refId: `var-${VAR.instanceId}` },
    refresh: VariableRefresh.onTimeRangeChanged,
    isMulti: true,
    includeAll: true,
    defaultToAll: true,
    hide: VariableHide.hideVariable,
  });
}

export function buildVariableSet(settings: ResolvedSettings, extra: SceneVariable[] = []): SceneVariableSet {
  return new SceneVariableSet({ variables: [...buildCommonVariables(settings), ...extra] });
}
