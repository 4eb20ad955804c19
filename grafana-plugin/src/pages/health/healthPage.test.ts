import { sceneGraph } from '@grafana/scenes';
import { buildAllPages, queriesOf } from '../../testing/appQueries';
import { TargetStatusPanel } from './TargetStatusPanel';

const page = buildAllPages().find((p) => p.name === 'health')!;
const queries = queriesOf(page);
const exprOf = (panel: string) => queries.filter((q) => q.panel === panel).map((q) => q.expr);

describe('Health page', () => {
  it('has composite status, checks with latency and flapping, their history, targets and probes', () => {
    expect(exprOf('Composite status (worst instance)')).toEqual([
      'min (pulse_health_status{job="$job", instance=~"$instance"})',
    ]);
    expect(exprOf('Checks').join('\n')).toMatch(
      /pulse_health_check_status.*\n.*pulse_health_check_duration_seconds.*\n.*pulse_health_check_flapping/
    );
    expect(exprOf('Check history')[0]).toMatch(/by \(check, critical\)/);
    expect(sceneGraph.findAllObjects(page.scene, (o) => o instanceof TargetStatusPanel)).toHaveLength(1);
  });

  it('tells a lost server from a graceful stop with up, up over the range and the Loki lifecycle events', () => {
    const targetQueries = queries.filter((q) => q.panel === 'Targets');
    expect(targetQueries.map((q) => q.refId)).toEqual(['up', 'seen', 'stops', 'crashes']);
    const all = targetQueries.map((q) => q.expr).join('\n');
    expect(all).toContain('up{job="$job", instance=~"$instance"}');
    expect(all).toContain('max_over_time(up{job="$job", instance=~"$instance"}[$__range])');
    expect(all).toMatch(/lifecycle_phase="stop" \| lifecycle_reason=~"SIGTERM\|SIGINT\|shutdown"/);
  });

  it('shows the blackbox uptime probes: status, duration, uptime and certificate expiry', () => {
    const probes = exprOf('Uptime probes');
    expect(probes).toEqual([
      'probe_success',
      'probe_duration_seconds',
      'avg_over_time(probe_success[$__range])',
      '(probe_ssl_earliest_cert_expiry - time()) / 86400',
    ]);
  });
});
