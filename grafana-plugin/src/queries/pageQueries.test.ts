// The Database, Errors, Health and Dependencies query modules: table columns match their
// queries, filters reach every query, variable queries name catalog series.
import { interpolate } from '../testing/appQueries';
import { KNOWN_METRICS, KNOWN_PROM_LABELS, promqlNames } from '../testing/names';
import { databaseQueries, OPERATIONS_TABLE_COLUMNS } from './database';
import { DEPENDENCIES_TABLE_COLUMNS, dependenciesQueries, GRAPH_REFS } from './dependencies';
import { errorDetailQueries, errorMetricSelector, errorRouteVariableQuery, errorsQueries, ERRORS_VAR } from './errors';
import { CHECKS_TABLE_COLUMNS, healthQueries, PROBES_TABLE_COLUMNS, TARGET_REFS } from './health';
import { labelValues } from './types';

describe('table columns name every query of their table', () => {
  it.each([
    ['database operations', databaseQueries.operationsTable(), OPERATIONS_TABLE_COLUMNS],
    ['dependencies', dependenciesQueries.table(), DEPENDENCIES_TABLE_COLUMNS],
    ['health checks', healthQueries.checksTable(), CHECKS_TABLE_COLUMNS],
    ['uptime probes', healthQueries.probesTable(), PROBES_TABLE_COLUMNS],
  ] as const)('%s', (_name, targets, columns) => {
    expect(targets.map((t) => t.refId).sort()).toEqual(Object.keys(columns).sort());
    for (const t of targets) {
      expect(t).toMatchObject({ instant: true, format: 'table' });
    }
  });

  it('the graph and target queries use the refIds their transformations read', () => {
    expect(dependenciesQueries.graph().map((t) => t.refId)).toEqual(Object.values(GRAPH_REFS));
    expect(healthQueries.targets().map((t) => t.refId)).toEqual([TARGET_REFS.up, TARGET_REFS.seen]);
    expect(healthQueries.lifecycleCounts().map((t) => t.refId)).toEqual([TARGET_REFS.stops, TARGET_REFS.crashes]);
    for (const t of healthQueries.lifecycleCounts()) {
      expect(t.queryType).toBe('instant');
      expect(t.expr).toContain('[$__range]');
    }
  });
});

describe('errors', () => {
  it('groups count error events per step by fingerprint, type and route, under the type and route filters', () => {
    expect(errorsQueries.groups().expr).toBe(
      'sum by (fingerprint, error_type, http_route) (count_over_time({service_name="$job", env=~"$env", event_kind="error"} | service_instance_id=~"$instance_id" | error_type=~"$type" | http_route=~"$route" [$__auto]))'
    );
    expect(errorsQueries.groups().queryType).toBe('range');
  });

  it('the Prometheus counts use the same filters', () => {
    expect(errorMetricSelector).toMatchObject({
      error_type: { regex: `$${ERRORS_VAR.type}` },
      http_route: { regex: `$${ERRORS_VAR.route}` },
    });
    for (const t of [errorsQueries.rateByType(), errorsQueries.rateByRoute()]) {
      expect(t.expr).toContain('error_type=~"$type", http_route=~"$route"');
    }
  });

  it("the route filter lists the routes of the service's captured errors", () => {
    const names = promqlNames(interpolate(errorRouteVariableQuery.seriesSelector));
    expect(names.errors).toEqual([]);
    expect([...names.metrics]).toEqual(['pulse_errors_total']);
    expect([...names.metrics].every((m) => KNOWN_METRICS.has(m))).toBe(true);
    expect(KNOWN_PROM_LABELS.has(errorRouteVariableQuery.label)).toBe(true);
    expect(labelValues(errorRouteVariableQuery)).toBe(
      'label_values(pulse_errors_total{job="$job", instance=~"$instance"}, http_route)'
    );
  });

  it('the detail queries select one fingerprint, escaped as a LogQL string', () => {
    const q = errorDetailQueries('ab"c');
    expect(q.events().expr).toContain('| fingerprint="ab\\"c"');
    expect(q.occurrences().expr).toMatch(/^sum by \(fingerprint, error_type, http_route\)/);
  });
});
