import { MappingType, type ValueMapping } from '@grafana/data';
import { PanelBuilders, SceneFlexItem, type VizPanel } from '@grafana/scenes';
import {
  CHECKS_TABLE_COLUMNS as CHECKS,
  healthProbe,
  healthQueries as q,
  PROBES_TABLE_COLUMNS as PROBES,
} from '../../queries/health';
import type { PromTarget } from '../../queries/types';
import { definePage } from '../../scenes/page';
import {
  column,
  HEALTH_MAPPINGS,
  logsPanel,
  row,
  statPanel,
  tablePanel,
  thresholds,
  timeseriesPanel,
  UP_MAPPINGS,
} from '../../scenes/panels';
import { promRunner } from '../../scenes/runners';
import { SignalEmptyState } from '../../scenes/SignalEmptyState';
import { TargetStatusPanel } from './TargetStatusPanel';

const FLAPPING_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: { '0': { text: 'no', index: 0 }, '1': { text: 'flapping', color: 'orange', index: 1 } },
  },
];

const NO_HEALTH = 'No health checks: configure `health: { checks }` in createPulse.';
const NO_PROBES =
  'No uptime probes: list URLs in alerting-rules (probes) and scrape the blackbox exporter (see provisioning/prometheus).';

/** Status over time as coloured bands (healthy / degraded / unhealthy, up / down). */
function stateTimeline(
  title: string,
  targets: PromTarget[],
  mappings: typeof HEALTH_MAPPINGS,
  noValue: string
): VizPanel {
  return PanelBuilders.statetimeline()
    .setTitle(title)
    .setData(promRunner(targets))
    .setMappings(mappings)
    .setNoValue(noValue)
    .setThresholds(thresholds([]))
    .build();
}

export const healthPage = definePage({
  id: 'health',
  title: 'Health',
  subTitle:
    'Is every instance reporting and healthy? Each check, its latency and history, flapping, and the uptime probes.',
  body: () =>
    column(
      new SceneFlexItem({ body: SignalEmptyState.fromProbe(healthProbe) }),
      row(
        130,
        statPanel('Composite status (worst instance)', [q.compositeWorst()], {
          mappings: HEALTH_MAPPINGS,
          noValue: NO_HEALTH,
        }),
        statPanel('Flapping checks', [q.flappingCount()], {
          unit: 'short',
          steps: [[1, 'orange']],
          description: 'Checks changing status more often than allowed within the flapping window.',
          noValue: NO_HEALTH,
        })
      ),
      new SceneFlexItem({ minHeight: 200, body: new TargetStatusPanel() }),
      row(
        240,
        stateTimeline('Composite status per instance', [q.composite()], HEALTH_MAPPINGS, NO_HEALTH),
        stateTimeline('Targets up', [q.upHistory()], UP_MAPPINGS, 'Prometheus scrapes no instance of this service.')
      ),
      new SceneFlexItem({
        minHeight: 260,
        body: tablePanel('Checks', q.checksTable(), {
          columns: [
            { refId: 'status', name: CHECKS.status!, mappings: HEALTH_MAPPINGS },
            {
              refId: 'latency',
              name: CHECKS.latency!,
              unit: 's',
              steps: [
                [0.5, 'orange'],
                [2, 'red'],
              ],
            },
            { refId: 'flapping', name: CHECKS.flapping!, mappings: FLAPPING_MAPPINGS },
          ],
          sortBy: { column: CHECKS.status!, desc: false },
          noValue: NO_HEALTH,
        }),
      }),
      row(
        260,
        stateTimeline('Check history', [q.checkHistory()], HEALTH_MAPPINGS, NO_HEALTH),
        timeseriesPanel('Check latency', [q.checkLatency()], { unit: 's', noValue: NO_HEALTH }),
        timeseriesPanel('Flapping', [q.checkFlapping()], { unit: 'short', noValue: NO_HEALTH })
      ),
      new SceneFlexItem({
        minHeight: 240,
        body: tablePanel('Uptime probes', q.probesTable(), {
          description:
            'Blackbox exporter probes of this service (its `service_name` probe label). Certificate expiry shows for https URLs only.',
          columns: [
            { refId: 'up', name: PROBES.up!, mappings: UP_MAPPINGS },
            {
              refId: 'duration',
              name: PROBES.duration!,
              unit: 's',
              steps: [
                [1, 'orange'],
                [5, 'red'],
              ],
            },
            {
              refId: 'uptime',
              name: PROBES.uptime!,
              unit: 'percentunit',
              steps: [
                [0, 'red'],
                [0.99, 'orange'],
                [0.999, 'green'],
              ],
            },
            // Expired certificates count negative days: red below 3 days, whatever the sign.
            {
              refId: 'cert',
              name: PROBES.cert!,
              unit: 'd',
              steps: [
                [-1e12, 'red'],
                [3, 'orange'],
                [14, 'green'],
              ],
            },
          ],
          sortBy: { column: PROBES.up!, desc: false },
          noValue: NO_PROBES,
        }),
      }),
      row(
        240,
        stateTimeline('Probe status', [q.probeStatus()], UP_MAPPINGS, NO_PROBES),
        timeseriesPanel('Probe duration', [q.probeLatency()], { unit: 's', noValue: NO_PROBES })
      ),
      row(
        280,
        logsPanel('Lifecycle events (starts and stops)', [q.lifecycleEvents()], {
          noValue: 'No lifecycle events: they reach Loki when `logs: { loki: { url } }` is set in createPulse.',
        })
      )
    ),
});
