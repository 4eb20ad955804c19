import { DataSourceVariable, QueryVariable, SceneVariableSet, type SceneVariable } from '@grafana/scenes';
import { VariableRefresh, VariableSort } from '@grafana/schema';
import { labelValues } from '../queries/types';
import { VAR, variableQueries } from '../queries/variables';
import type { ResolvedSettings } from '../settings';
import { PROMETHEUS_DS } from './datasources';

/** URL keys kept when moving between pages, so the selection and time range follow the user. */
export const PRESERVED_URL_KEYS = ['from', 'to', 'refresh', ...Object.values(VAR).map((name) => `var-${name}`)];

function labelValuesVariable(
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
  ];
}

export function buildVariableSet(settings: ResolvedSettings, extra: SceneVariable[] = []): SceneVariableSet {
  return new SceneVariableSet({ variables: [...buildCommonVariables(settings), ...extra] });
}
