// Dependencies: what the service calls (HTTP APIs, anything wrapped in trackDependency), how often,
// how slowly, and how often it fails.
import { httpClientRequestDuration, pulseDependencyDuration, type LabelName } from '@pulse-apm/exporter/catalog';
import {
  dependencyAvailabilityOrFull,
  dependencyErrorRatio,
  dependencyErrorRatioOrZero,
  dependencyRate,
  histogramErrorRate,
  histogramQuantile,
  histogramRate,
  requestRate,
  selector,
  seriesName,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend } from './labels';
import { PERCENTILES } from './overview';
import { overRange, overRateWindow, table } from './targets';
import type { EmptyStateProbe, PromTarget } from './types';
import { serviceSelector } from './variables';

type DepLabel = LabelName<typeof pulseDependencyDuration>;
type HttpClientLabel = LabelName<typeof httpClientRequestDuration>;

export const DEP_LABELS = {
  dependency: 'dependency' satisfies DepLabel,
  type: 'dependency_type' satisfies DepLabel,
  errorType: 'error_type' satisfies DepLabel,
  server: 'server_address' satisfies HttpClientLabel,
  status: 'http_response_status_code' satisfies HttpClientLabel,
} as const;

const BY_DEP = [DEP_LABELS.dependency, DEP_LABELS.type];
/** Display names of the dependencies table's value columns, by refId. */
export const DEPENDENCIES_TABLE_COLUMNS: Record<string, string> = {
  rate: 'Calls/s',
  errors: 'Error ratio',
  availability: 'Availability',
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
};

/** refIds of the node graph's instant queries (the graph transformation reads them by refId). */
export const GRAPH_REFS = { service: 'service', rate: 'rate', errors: 'errors', p95: 'p95' } as const;

export const dependenciesQueries = {
  rate: (): PromTarget => ({
    refId: 'rate',
    expr: dependencyRate(overRateWindow([DEP_LABELS.dependency])),
    legendFormat: legend(DEP_LABELS.dependency),
  }),
  errorRatio: (): PromTarget => ({
    refId: 'errors',
    expr: dependencyErrorRatioOrZero(overRateWindow([DEP_LABELS.dependency])),
    legendFormat: legend(DEP_LABELS.dependency),
  }),
  latencyP95: (): PromTarget => ({
    refId: 'p95',
    expr: histogramQuantile(0.95, pulseDependencyDuration, overRateWindow([DEP_LABELS.dependency])),
    legendFormat: `p95 ${legend(DEP_LABELS.dependency)}`,
  }),
  /** Failed calls per second by dependency and failure class (timeout, connection_refused, 503…). */
  errorsByType: (): PromTarget => ({
    refId: 'etype',
    expr: histogramErrorRate(pulseDependencyDuration, overRateWindow([DEP_LABELS.dependency, DEP_LABELS.errorType])),
    legendFormat: legend(DEP_LABELS.dependency, DEP_LABELS.errorType),
  }),
  /** Every dependency over the selected range: rate, error ratio, availability, percentiles. */
  table: (): PromTarget[] => [
    table('rate', dependencyRate(overRange(BY_DEP))),
    // A dependency that never failed reads 0 % errors and 100 % availability, not blank cells.
    table('errors', dependencyErrorRatioOrZero(overRange(BY_DEP))),
    table('availability', dependencyAvailabilityOrFull(overRange(BY_DEP))),
    ...PERCENTILES.map(([q, name]) => table(name, histogramQuantile(q, pulseDependencyDuration, overRange(BY_DEP)))),
  ],
  /** Outgoing HTTP calls per server and status code (5xx and errors show where a dependency fails). */
  httpByServer: (): PromTarget => ({
    refId: 'http',
    expr: histogramRate(httpClientRequestDuration, overRateWindow([DEP_LABELS.server, DEP_LABELS.status])),
    legendFormat: legend(DEP_LABELS.server, DEP_LABELS.status),
  }),
  /** The node graph's inputs: the service's own request rate, and per dependency rate, error ratio, p95. */
  graph: (): PromTarget[] => [
    table(GRAPH_REFS.service, requestRate(overRange([LABELS.job]))),
    table(GRAPH_REFS.rate, dependencyRate(overRange(BY_DEP))),
    table(GRAPH_REFS.errors, dependencyErrorRatio(overRange(BY_DEP))),
    table(GRAPH_REFS.p95, histogramQuantile(0.95, pulseDependencyDuration, overRange(BY_DEP))),
  ],
};

export const dependenciesProbe: EmptyStateProbe = {
  expr: `${seriesName(pulseDependencyDuration, 'count')}${selector(serviceSelector)}`,
  title: 'No dependency metrics',
  hint: 'No dependency calls recorded: outgoing HTTP calls are measured by the `deps` signal (on unless `deps: { enabled: false }` in createPulse); wrap other calls (Redis, queues) in `pulse.trackDependency()`.',
};
