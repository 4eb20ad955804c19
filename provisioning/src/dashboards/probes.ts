// Uptime probes: the blackbox exporter's view of each probed URL (status, latency, certificate).
import { appUrl, DASHBOARD_UIDS } from '../names';
import { promql } from '../queries';
import { buildDashboard } from './dashboard';
import { legend } from './common';
import { stat, stateTimeline, table, timeseries } from './panels';

const { BLACKBOX_METRICS, TARGET_LABELS } = promql;
const INSTANCE = TARGET_LABELS.instance;
/** The probed URL is the series' `instance` (Prometheus relabels the target into it). */
const PROBES = promql.variableSelector([INSTANCE]);
/** Each probe series names its service (`service_name`, a file_sd label): the link opens that service's Health page. */
const healthLink = {
  title: 'Health in the Pulse app',
  url: `${appUrl('health')}?var-job=\${__field.labels.service_name}&\${__url_time_range}`,
};

export function probesDashboard() {
  return buildDashboard({
    uid: DASHBOARD_UIDS.probes,
    title: 'Pulse / Uptime probes',
    summary:
      'Blackbox exporter probes of the configured URLs: up or down, uptime over the range, probe latency, HTTP status and days until the certificate expires.',
    appPage: 'health',
    sources: ['prometheus'],
    variables: [
      { name: INSTANCE, label: 'Probed URL', query: `label_values(${BLACKBOX_METRICS.success}, ${INSTANCE})` },
    ],
    rows: [
      {
        title: 'Status',
        panels: [
          stat({
            title: 'Probe status',
            description: 'Last probe of each URL: up (answered 2xx in time) or down.',
            source: 'prometheus',
            queries: [{ expr: promql.probeSuccess(PROBES), legend: legend(INSTANCE) }],
            valueText: [
              [1, 'up', 'green'],
              [0, 'down', 'red'],
            ],
            w: 12,
            links: [healthLink],
          }),
          stat({
            title: 'Uptime over the range',
            description: 'Share of successful probes over the dashboard time range.',
            source: 'prometheus',
            queries: [{ expr: promql.probeUptimeRatio('$__range', PROBES), legend: legend(INSTANCE) }],
            unit: 'percentunit',
            decimals: 3,
            thresholds: [
              [null, 'red'],
              [0.99, 'orange'],
              [0.999, 'green'],
            ],
            w: 12,
          }),
          stateTimeline({
            title: 'Up / down history',
            description: 'Each probe over time: where a URL was down, and for how long.',
            source: 'prometheus',
            queries: [{ expr: promql.probeSuccess(PROBES), legend: legend(INSTANCE) }],
            valueText: [
              [1, 'up', 'green'],
              [0, 'down', 'red'],
            ],
            w: 24,
          }),
        ],
      },
      {
        title: 'Latency and certificates',
        panels: [
          timeseries({
            title: 'Probe duration',
            description:
              'How long each probe took (DNS, connect, TLS, first byte): the latency users see from outside.',
            source: 'prometheus',
            queries: [{ expr: promql.probeDuration(PROBES), legend: legend(INSTANCE) }],
            unit: 's',
            min: 0,
          }),
          table({
            title: 'HTTP status and certificate expiry',
            description:
              'Last HTTP status per URL, and days until the earliest certificate of its chain expires (HTTPS only).',
            source: 'prometheus',
            queries: [
              { expr: promql.probeHttpStatus(PROBES), instant: true },
              { expr: promql.certExpiryDays(PROBES), instant: true },
            ],
            thresholds: [
              [null, 'red'],
              [7, 'orange'],
              [30, 'green'],
            ],
          }),
        ],
      },
    ],
  });
}
