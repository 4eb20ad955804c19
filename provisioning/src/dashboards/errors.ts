// Errors and logs: captured errors (Prometheus counts) and the events behind them (Loki), error
// groups by fingerprint linking to the app, slow requests, log volume and shipping health.
import { DASHBOARD_UIDS } from '../names';
import { catalog, logql, promql } from '../queries';
import { buildDashboard } from './dashboard';
import { appLink, legend, over, SERVICE_LOG_SCOPE, SERVICE_AND_LOG_VARIABLES, SERVICE_SELECTOR } from './common';
import { logs, table, timeseries } from './panels';

const { LOG_METADATA, LOKI_LABELS } = logql;
const ERROR_TYPE = 'error_type' satisfies (typeof catalog.pulseErrors.labelNames)[number];
const ROUTE = 'http_route' satisfies (typeof catalog.pulseErrors.labelNames)[number];
const REASON = 'reason' satisfies (typeof catalog.pulseLogEvents.labelNames)[number];
const RANGE = '$__range';

export function errorsDashboard() {
  return buildDashboard({
    uid: DASHBOARD_UIDS.errors,
    title: 'Pulse / Errors and logs',
    summary:
      'Captured errors by type and route, error groups (fingerprints) with links to the app, the error and slow-request events in Loki, log volume and log shipping health.',
    appPage: 'errors',
    sources: ['prometheus', 'loki'],
    variables: SERVICE_AND_LOG_VARIABLES,
    rows: [
      {
        title: 'Errors',
        panels: [
          timeseries({
            title: 'Captured errors by type',
            description: 'Errors captured per second by error type (exact counts: the metric is never throttled).',
            source: 'prometheus',
            queries: [{ expr: promql.capturedErrorRate(over([ERROR_TYPE])), legend: legend(ERROR_TYPE) }],
            unit: 'ops',
          }),
          timeseries({
            title: 'Captured errors by route',
            description: 'Errors captured per second by route template.',
            source: 'prometheus',
            queries: [{ expr: promql.capturedErrorRate(over([ROUTE])), legend: legend(ROUTE) }],
            unit: 'ops',
            links: [
              { title: 'Route in the Pulse app', url: appLink('routes', `\${__field.labels.${ROUTE}:percentencode}`) },
            ],
          }),
          table({
            title: 'Error groups',
            description:
              'Error events per fingerprint over the dashboard range. Click a row to open the group in the Pulse app.',
            source: 'loki',
            queries: [{ expr: logql.errorCountByFingerprint(SERVICE_LOG_SCOPE, RANGE), instant: true }],
            links: [
              {
                title: 'Error group in the Pulse app',
                url: appLink('errors', `\${__data.fields.${LOG_METADATA.fingerprint}}`),
              },
            ],
          }),
          timeseries({
            title: 'Error events by type and route',
            description:
              'Error events shipped to Loki per second (throttled events are counted in the metric, not here).',
            source: 'loki',
            queries: [
              {
                expr: logql.errorRateByTypeAndRoute(SERVICE_LOG_SCOPE),
                legend: legend(LOG_METADATA.errorType, LOG_METADATA.route),
              },
            ],
            unit: 'ops',
          }),
          logs({
            title: 'Error events',
            description: 'Each error with its type, fingerprint, trimmed stack, route and trace id.',
            source: 'loki',
            queries: [{ expr: logql.errorEvents(SERVICE_LOG_SCOPE) }],
          }),
        ],
      },
      {
        title: 'Slow requests',
        panels: [
          timeseries({
            title: 'Slow requests by route',
            description: 'slow_request events per route over the step.',
            source: 'loki',
            queries: [{ expr: logql.slowRequestCountByRoute(SERVICE_LOG_SCOPE), legend: legend(LOG_METADATA.route) }],
          }),
          logs({
            title: 'Slow request events',
            description: 'Requests slower than the slow-request threshold, with route, status, duration and trace id.',
            source: 'loki',
            queries: [{ expr: logql.slowRequests(SERVICE_LOG_SCOPE) }],
            w: 12,
            h: 8,
          }),
        ],
      },
      {
        title: 'Logs',
        panels: [
          timeseries({
            title: 'Log volume by level',
            description: 'Lines per level (app logs and events).',
            source: 'loki',
            queries: [{ expr: logql.logVolumeByLevel(SERVICE_LOG_SCOPE), legend: legend(LOKI_LABELS.level) }],
            w: 8,
          }),
          timeseries({
            title: 'Events by kind',
            description: 'Lines per event kind (error, slow_request, slow_query, n_plus_one, custom, lifecycle, log).',
            source: 'loki',
            queries: [{ expr: logql.eventVolumeByKind(SERVICE_LOG_SCOPE), legend: legend(LOKI_LABELS.eventKind) }],
            w: 8,
          }),
          timeseries({
            title: 'Custom events by type',
            description: 'Events the application captured with pulse.captureEvent(), by type.',
            source: 'loki',
            queries: [
              { expr: logql.customEventCountByType(SERVICE_LOG_SCOPE), legend: legend(LOG_METADATA.eventType) },
            ],
            w: 8,
          }),
          timeseries({
            title: 'Log shipping: dropped events',
            description:
              'Events that never reached Loki, per second, by reason (rejected, buffer full, retries exhausted…); beside them "unknown": pushes that timed out, which Loki may have stored.',
            source: 'prometheus',
            queries: [
              { expr: promql.logDropRate(over([REASON])), legend: `dropped: ${legend(REASON)}` },
              { expr: promql.logUnconfirmedRate(over([REASON])), legend: `unknown: ${legend(REASON)}` },
            ],
            unit: 'ops',
          }),
          timeseries({
            title: 'Log shipping: buffered bytes',
            description: 'Bytes waiting for delivery to Loki: grows while Loki is slow or down.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.gaugeValue(catalog.pulseLogBufferBytes, { selector: SERVICE_SELECTOR }),
                legend: legend(promql.TARGET_LABELS.instance),
              },
            ],
            unit: 'bytes',
            min: 0,
          }),
        ],
      },
    ],
  });
}
