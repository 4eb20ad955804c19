// Outgoing dependencies: every call by dependency name (HTTP and trackDependency), and HTTP calls
// by server and status.
import { DASHBOARD_UIDS } from '../names';
import { catalog, promql } from '../queries';
import { buildDashboard } from './dashboard';
import { legend, over, SERVICE_VARIABLES } from './common';
import { timeseries } from './panels';

const DEP = catalog.pulseDependencyDuration;
const HTTP_CLIENT = catalog.httpClientRequestDuration;
type DepLabel = (typeof DEP.labelNames)[number];
type ClientLabel = (typeof HTTP_CLIENT.labelNames)[number];
const DEPENDENCY: DepLabel = 'dependency';
const ERROR_TYPE: DepLabel = 'error_type';
const SERVER: ClientLabel = 'server_address';
const STATUS: ClientLabel = 'http_response_status_code';

export function dependenciesDashboard() {
  return buildDashboard({
    uid: DASHBOARD_UIDS.dependencies,
    title: 'Pulse / Dependencies',
    summary: 'Outgoing calls by dependency (rate, failures, latency) and outgoing HTTP by server and status.',
    appPage: 'dependencies',
    sources: ['prometheus'],
    variables: SERVICE_VARIABLES,
    rows: [
      {
        title: 'By dependency',
        panels: [
          timeseries({
            title: 'Calls per second',
            description: 'Dependency calls per second (HTTP, fetch and trackDependency), by dependency name.',
            source: 'prometheus',
            queries: [{ expr: promql.dependencyRate(over([DEPENDENCY])), legend: legend(DEPENDENCY) }],
            unit: 'ops',
          }),
          timeseries({
            title: 'Failed share',
            description:
              'Share of calls that failed (timeouts, refused connections, 5xx answers…), by dependency (0 for one that never failed).',
            source: 'prometheus',
            queries: [{ expr: promql.dependencyErrorRatioOrZero(over([DEPENDENCY])), legend: legend(DEPENDENCY) }],
            unit: 'percentunit',
            min: 0,
          }),
          timeseries({
            title: 'Latency p50 / p95 by dependency',
            description:
              'Call duration percentiles per dependency: a slow dependency shows here before it shows in your routes.',
            source: 'prometheus',
            queries: [
              { expr: promql.histogramQuantile(0.5, DEP, over([DEPENDENCY])), legend: `p50 ${legend(DEPENDENCY)}` },
              { expr: promql.histogramQuantile(0.95, DEP, over([DEPENDENCY])), legend: `p95 ${legend(DEPENDENCY)}` },
            ],
            unit: 's',
          }),
          timeseries({
            title: 'Failures by error type',
            description: 'Failed calls per second by dependency and error class.',
            source: 'prometheus',
            queries: [
              {
                expr: promql.histogramErrorRate(DEP, over([DEPENDENCY, ERROR_TYPE])),
                legend: legend(DEPENDENCY, ERROR_TYPE),
              },
            ],
            unit: 'ops',
          }),
        ],
      },
      {
        title: 'Outgoing HTTP',
        panels: [
          timeseries({
            title: 'HTTP calls by server and status',
            description: 'Outgoing HTTP requests per second by server address and response status.',
            source: 'prometheus',
            queries: [
              { expr: promql.histogramRate(HTTP_CLIENT, over([SERVER, STATUS])), legend: legend(SERVER, STATUS) },
            ],
            unit: 'reqps',
          }),
          timeseries({
            title: 'HTTP p95 by server',
            description: '95th percentile time to response headers, by server address.',
            source: 'prometheus',
            queries: [{ expr: promql.histogramQuantile(0.95, HTTP_CLIENT, over([SERVER])), legend: legend(SERVER) }],
            unit: 's',
          }),
        ],
      },
    ],
  });
}
