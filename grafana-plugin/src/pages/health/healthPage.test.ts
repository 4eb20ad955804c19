import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sceneGraph } from '@grafana/scenes';
import { LABELS } from '../../queries/labels';
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

  it("shows the selected service's blackbox uptime probes: status, duration, uptime and certificate expiry", () => {
    const probes = exprOf('Uptime probes');
    expect(probes).toEqual([
      'probe_success{service_name="$job"}',
      'probe_duration_seconds{service_name="$job"}',
      'avg_over_time(probe_success{service_name="$job"}[$__range])',
      '(probe_ssl_earliest_cert_expiry{service_name="$job"} - time()) / 86400',
    ]);
  });

  it('ties probes to a service by the label the stack gives every probed URL (file_sd service_name)', () => {
    // Prometheus relabels each probed URL into `instance` and keeps the target group's labels:
    // the probe files must name the service with the label the probe queries filter on.
    // (The file is generated: one `- targets:` group per service, its labels below it.)
    const file = readFileSync(join(__dirname, '../../../../provisioning/prometheus/probes/pulse-probes.yml'), 'utf8');
    const groups = file.split(/^- targets:/m).slice(1);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g).toMatch(new RegExp(`^\\s+labels:\\n(?:\\s+\\w+: .*\\n)*?\\s+${LABELS.serviceName}: \\S+`, 'm'));
    }
    for (const q of [...exprOf('Uptime probes'), ...exprOf('Probe status'), ...exprOf('Probe duration')]) {
      expect(q).toContain(`${LABELS.serviceName}="$job"`);
    }
  });
});
