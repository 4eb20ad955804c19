import { CustomVariable, QueryVariable, SceneFlexItem } from '@grafana/scenes';
import { VariableRefresh, VariableSort } from '@grafana/schema';
import {
  ERROR_TYPE_OPTIONS,
  errorRouteVariableQuery,
  ERRORS_PATH,
  ERRORS_VAR,
  errorsProbe,
  errorsQueries as q,
} from '../../queries/errors';
import { labelValues } from '../../queries/types';
import { PROMETHEUS_DS } from '../../scenes/datasources';
import { definePage } from '../../scenes/page';
import { column, logsPanel, row, timeseriesPanel } from '../../scenes/panels';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { errorDetailPage } from './errorDetailPage';
import { ErrorGroupsTable } from './ErrorGroupsTable';

const NO_LOKI = 'No error events: they reach Loki when `logs: { loki: { url } }` is set in createPulse.';

export const errorsPage = definePage({
  id: ERRORS_PATH,
  title: 'Errors',
  subTitle: 'Error groups (one per fingerprint): what broke, where, since when; mute or resolve them for everyone.',
  variables: () => [
    new CustomVariable({
      name: ERRORS_VAR.type,
      label: 'Error type',
      query: ERROR_TYPE_OPTIONS.join(','),
      isMulti: true,
      includeAll: true,
      defaultToAll: true,
      allValue: '.*',
    }),
    new QueryVariable({
      name: ERRORS_VAR.route,
      label: 'Route',
      datasource: PROMETHEUS_DS,
      query: { query: labelValues(errorRouteVariableQuery), refId: `var-${ERRORS_VAR.route}` },
      refresh: VariableRefresh.onTimeRangeChanged,
      sort: VariableSort.alphabeticalAsc,
      isMulti: true,
      includeAll: true,
      defaultToAll: true,
      allValue: '.*',
    }),
  ],
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(errorsProbe) }),
      new SceneFlexItem({ minHeight: 360, body: new ErrorGroupsTable() }),
      row(
        260,
        timeseriesPanel('Errors by type', [q.rateByType()], {
          unit: 'short',
          stack: true,
          description: 'Captured errors per second (pulse_errors_total: exact, counted before event throttling).',
          noValue: 'No errors captured in this range.',
        }),
        timeseriesPanel('Errors by route', [q.rateByRoute()], {
          unit: 'short',
          stack: true,
          noValue: 'No errors captured in this range.',
        })
      ),
      row(360, logsPanel('Error events', [q.recentEvents()], { noValue: NO_LOKI }))
    ),
  drilldowns: [{ routePath: ':fingerprint/*', getPage: errorDetailPage }],
});
