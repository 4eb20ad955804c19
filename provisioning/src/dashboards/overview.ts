// Service overview: RED (rate, errors, duration) per route, then saturation and health.
import { DASHBOARD_UIDS } from '../names';
import { catalog, promql } from '../queries';
import { buildDashboard } from './dashboard';
import { appLink, legend, over, SERVICE_SELECTOR, SERVICE_VARIABLES } from './common';
import { healthText, stat, timeseries } from './panels';

const { TARGET_LABELS } = promql;
const ROUTE = 'http_route' satisfies (typeof catalog.httpServerRequestDuration.labelNames)[number];
const ERROR_TYPE = 'error_type' satisfies (typeof catalog.pulseErrors.labelNames)[number];
const CHECK = 'check' satisfies (typeof catalog.pulseHealthCheckStatus.labelNames)[number];
const POOL = 'db_client_connection_pool_name' satisfies (typeof catalog.dbClientConnectionMax.labelNames)[number];

const METHOD = 'http_request_method' satisfies (typeof catalog.httpServerRequestDuration.labelNames)[number];
/** An operation: method + route (GET and DELETE /users/:id are two series). */
const OPERATION = [METHOD, ROUTE];

/** Data link from a per-operation series to the app's Route detail on that method, keeping the selection. */
const routeLink = {
  title: 'Route in the Pulse app',
  url: appLink('routes', `\${__field.labels.${ROUTE}:percentencode}`, `var-method=\${__field.labels.${METHOD}}&`),
};

export function overviewDashboard() {
  return buildDashboard({
    uid: DASHBOARD_UIDS.overview,
    title: 'Pulse / Service overview',
    summary:
      'Request rate, errors and latency per route (RED), then saturation (in-flight requests, event loop, CPU, heap, DB pool) and health checks.',
    appPage: 'overview',
    sources: ['prometheus'],
    variables: SERVICE_VARIABLES,
    rows: [
      {
        title: 'Now',
        panels: [
          stat({
            title: 'Requests per second',
            description: 'All requests of the selected services, per second.',
            source: 'prometheus',
            queries: [{ expr: promql.requestRate(over()) }],
            unit: 'reqps',
          }),
          stat({
            title: '5xx ratio',
            description: 'Share of requests answered with a 5xx over the rate window (0 when none did).',
            source: 'prometheus',
            queries: [{ expr: promql.errorRatioOrZero(over()) }],
            unit: 'percentunit',
            decimals: 2,
            thresholds: [
              [null, 'green'],
              [0.01, 'orange'],
              [0.05, 'red'],
            ],
          }),
          stat({
            title: 'p95 latency',
            description: '95th percentile of request duration across routes.',
            source: 'prometheus',
            queries: [{ expr: promql.latencyQuantile(0.95, over()) }],
            unit: 's',
            thresholds: [
              [null, 'green'],
              [0.5, 'orange'],
              [1, 'red'],
            ],
          }),
          stat({
            title: 'Targets up',
            description: 'Whether Prometheus can scrape each instance (1 up, 0 down).',
            source: 'prometheus',
            queries: [{ expr: promql.targetUp(SERVICE_SELECTOR), legend: legend(TARGET_LABELS.instance) }],
            valueText: [
              [1, 'up', 'green'],
              [0, 'down', 'red'],
            ],
          }),
        ],
      },
      {
        title: 'Traffic, errors, duration (RED)',
        panels: [
          timeseries({
            title: 'Requests per second by route',
            description:
              'Request rate per operation (method + route template). Click a series to open the route in the Pulse app.',
            source: 'prometheus',
            queries: [{ expr: promql.requestRate(over(OPERATION)), legend: legend(...OPERATION) }],
            unit: 'reqps',
            links: [routeLink],
          }),
          timeseries({
            title: '5xx ratio by route',
            description: 'Share of each operation\u2019s requests answered with a 5xx (0 for one that never did).',
            source: 'prometheus',
            queries: [{ expr: promql.errorRatioOrZero(over(OPERATION)), legend: legend(...OPERATION) }],
            unit: 'percentunit',
            min: 0,
            links: [routeLink],
          }),
          timeseries({
            title: 'Latency p50 / p95 / p99',
            description:
              'Request duration percentiles across routes. Exemplar dots carry the trace id of a request in that bucket: open its events in Loki.',
            source: 'prometheus',
            queries: [
              { expr: promql.latencyQuantile(0.5, over()), legend: 'p50' },
              { expr: promql.latencyQuantile(0.95, over()), legend: 'p95', exemplar: true },
              { expr: promql.latencyQuantile(0.99, over()), legend: 'p99' },
            ],
            unit: 's',
          }),
          timeseries({
            title: 'p95 latency by route',
            description: '95th percentile request duration per operation (method + route template).',
            source: 'prometheus',
            queries: [
              { expr: promql.latencyQuantile(0.95, over(OPERATION)), legend: legend(...OPERATION), exemplar: true },
            ],
            unit: 's',
            links: [routeLink],
          }),
          timeseries({
            title: 'Captured errors by type',
            description:
              'Errors Pulse captured (error handler, captureException, uncaught), per second, by error type (4xx classes included).',
            source: 'prometheus',
            queries: [{ expr: promql.capturedErrorRate(over([ERROR_TYPE])), legend: legend(ERROR_TYPE) }],
            unit: 'ops',
            links: [{ title: 'Errors in the Pulse app', url: appLink('errors') }],
          }),
          timeseries({
            title: 'In-flight requests',
            description: 'Requests being served right now, per instance: a queue building up shows here first.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.gaugeValue(catalog.httpServerActiveRequests, {
                  selector: SERVICE_SELECTOR,
                  by: [TARGET_LABELS.instance],
                }),
                legend: legend(TARGET_LABELS.instance),
              },
            ],
            min: 0,
          }),
        ],
      },
      {
        title: 'Saturation',
        panels: [
          timeseries({
            title: 'Event-loop utilisation',
            description: 'Share of time the event loop was busy: near 1 the process cannot take more work.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.gaugeValue(catalog.nodejsEventLoopUtilization, { selector: SERVICE_SELECTOR }),
                legend: legend(TARGET_LABELS.instance, catalog.WORKER_LABEL),
              },
            ],
            unit: 'percentunit',
            min: 0,
            max: 1,
            w: 8,
          }),
          timeseries({
            title: 'CPU',
            description: 'CPU time per second (1 = one core busy).',
            source: 'prometheus',
            queries: [
              {
                expr: promql.counterRate('process_cpu_seconds_total', over([TARGET_LABELS.instance])),
                legend: legend(TARGET_LABELS.instance),
              },
            ],
            unit: 'percentunit',
            min: 0,
            w: 8,
          }),
          timeseries({
            title: 'Heap used / heap limit',
            description: 'Used V8 heap as a share of its limit: the process dies near 1.',
            source: 'prometheus',
            queries: [{ expr: promql.heapUsedRatio(SERVICE_SELECTOR), legend: legend(TARGET_LABELS.instance) }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            w: 8,
          }),
          timeseries({
            title: 'Database pool in use',
            description: 'Connections in use as a share of the pool maximum; requests queue for a connection near 1.',
            source: 'prometheus',
            queries: [{ expr: promql.dbPoolUsage(SERVICE_SELECTOR), legend: legend(TARGET_LABELS.instance, POOL) }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            links: [{ title: 'Database in the Pulse app', url: appLink('database') }],
          }),
          timeseries({
            title: 'Health checks',
            description: 'Last result of each health check: 1 healthy, 0.5 degraded, 0 unhealthy.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.healthCheckStatus({ selector: SERVICE_SELECTOR }),
                legend: legend(TARGET_LABELS.instance, catalog.WORKER_LABEL, CHECK),
              },
            ],
            min: 0,
            max: 1,
            valueText: healthText(catalog.HEALTH_STATUS_VALUES),
            links: [{ title: 'Health in the Pulse app', url: appLink('health') }],
          }),
        ],
      },
    ],
  });
}
