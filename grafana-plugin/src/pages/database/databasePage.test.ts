import { sceneGraph, SceneQueryRunner } from '@grafana/scenes';
import { databaseProbe } from '../../queries/database';
import { buildAllPages, queriesOf } from '../../testing/appQueries';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';

const page = buildAllPages().find((p) => p.name === 'database')!;
const queries = queriesOf(page);

describe('Database page', () => {
  it('says what to do when the db signal is off', () => {
    const banners = sceneGraph.findAllObjects(page.scene, (o) => o instanceof SignalEmptyState) as SignalEmptyState[];
    expect(banners.map((b) => b.state.hint)).toContain(databaseProbe.hint);
    expect(databaseProbe.hint).toMatch(/^No database metrics: enable `db` in createPulse/);
    expect(databaseProbe.expr).toBe('db_client_operation_duration_seconds_count{job="$job", instance=~"$instance"}');
  });

  it('has latency by table and operation, slowest patterns, N+1, pools and errors by error_type', () => {
    const panels = new Set(queries.map((q) => q.panel));
    for (const title of [
      'Operation latency (p95) by table and operation',
      'Operations',
      'Slowest query patterns',
      'N+1 findings',
      'Pool usage (used / max)',
      'Pending connection requests',
      'Errors by error_type',
      'Slow query events',
      'N+1 events',
    ]) {
      expect(panels).toContain(title);
    }
    const latency = queries.find((q) => q.panel === 'Operation latency (p95) by table and operation')!;
    expect(latency.expr).toMatch(/by \(le, db_operation_name, db_collection_name\)/);
    expect(queries.find((q) => q.panel === 'Errors by error_type')!.expr).toMatch(/by \(error_type\)/);
  });

  it('every Prometheus query is scoped to the selected service and instances', () => {
    for (const q of queries.filter((x) => x.datasource === 'prometheus')) {
      expect(q.expr).toContain('job="$job"');
      expect(q.expr).toContain('instance=~"$instance"');
    }
    const runners = sceneGraph.findAllObjects(page.scene, (o) => o instanceof SceneQueryRunner);
    expect(runners.length).toBeGreaterThan(8);
  });
});
