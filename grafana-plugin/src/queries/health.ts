// Health: the service's own checks (composite and per check, latency, flapping), whether every
// instance still reports (a lost server vs a graceful stop), and the blackbox uptime probes.
import {
  pulseHealthCheckDuration,
  pulseHealthCheckFlapping,
  pulseHealthCheckStatus,
  pulseHealthStatus,
  type LabelName,
} from '@pulse-apm/exporter/catalog';
import { crashes, gracefulStops, lifecycleEvents } from '@pulse-apm/exporter/queries/logql';
import {
  certExpiryDays,
  gaugeValue,
  probeDuration,
  probeSuccess,
  probeUptimeRatio,
  selector,
  targetSeen,
  targetUp,
  TARGET_LABELS,
} from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend, PROCESS_LEGEND } from './labels';
import { SELECTED_RANGE, table } from './targets';
import type { EmptyStateProbe, LokiTarget, PromTarget } from './types';
import { logScope, probeSelector, serviceSelector } from './variables';

export const CHECK_LABEL = 'check' satisfies LabelName<typeof pulseHealthCheckStatus>;
export const CRITICAL_LABEL = 'critical' satisfies LabelName<typeof pulseHealthCheckStatus>;
/** A probe's `instance` is the probed URL (prometheus.yml relabels `__param_target` to it). */
export const PROBE_TARGET_LABEL = TARGET_LABELS.instance;

const BY_CHECK = [LABELS.instance, CHECK_LABEL];
/** Per instance and check: the workers of a clustered instance combined by `aggregate`. */
const perCheck = (aggregate: 'min' | 'max') => ({ selector: serviceSelector, by: BY_CHECK, aggregate });

/** Display names of the checks table's value columns, by refId. */
export const CHECKS_TABLE_COLUMNS: Record<string, string> = {
  status: 'Status',
  latency: 'Latency',
  flapping: 'Flapping',
};

/** Display names of the probes table's value columns, by refId. */
export const PROBES_TABLE_COLUMNS: Record<string, string> = {
  up: 'Status',
  duration: 'Probe duration',
  uptime: 'Uptime (range)',
  cert: 'Certificate expires in',
};

/** refIds of the target-status queries (the target classification reads them by refId). */
export const TARGET_REFS = { up: 'up', seen: 'seen', stops: 'stops', crashes: 'crashes' } as const;

export const healthQueries = {
  /** Composite status per instance, per worker of a clustered one (1 healthy, 0.5 degraded, 0 unhealthy). */
  composite: (): PromTarget => ({
    refId: 'composite',
    expr: gaugeValue(pulseHealthStatus, { selector: serviceSelector }),
    legendFormat: PROCESS_LEGEND,
  }),
  /** The worst instance's composite status, as one value. */
  compositeWorst: (): PromTarget => ({
    refId: 'worst',
    expr: gaugeValue(pulseHealthStatus, { selector: serviceSelector, by: [], aggregate: 'min' }),
    instant: true,
  }),
  /**
   * Checks flapping right now (changing status more often than allowed), per instance: the workers
   * of a clustered instance each run every check, so one check flapping on all of them counts once.
   */
  flappingCount: (): PromTarget => ({
    refId: 'flapping',
    expr: `sum (${gaugeValue(pulseHealthCheckFlapping, perCheck('max'))})`,
    instant: true,
  }),
  /** Every check of every instance now: status, how long it took, whether it flaps (the worst worker of a clustered instance). */
  checksTable: (): PromTarget[] => [
    table('status', gaugeValue(pulseHealthCheckStatus, { selector: serviceSelector, by: BY_CHECK, aggregate: 'min' })),
    table(
      'latency',
      gaugeValue(pulseHealthCheckDuration, { selector: serviceSelector, by: BY_CHECK, aggregate: 'max' })
    ),
    table(
      'flapping',
      gaugeValue(pulseHealthCheckFlapping, { selector: serviceSelector, by: BY_CHECK, aggregate: 'max' })
    ),
  ],
  /** Each check's status over time (worst instance), with its criticality in the legend. */
  checkHistory: (): PromTarget => ({
    refId: 'history',
    expr: gaugeValue(pulseHealthCheckStatus, {
      selector: serviceSelector,
      by: [CHECK_LABEL, CRITICAL_LABEL],
      aggregate: 'min',
    }),
    legendFormat: `${legend(CHECK_LABEL)} (critical: ${legend(CRITICAL_LABEL)})`,
  }),
  checkLatency: (): PromTarget => ({
    refId: 'latency',
    expr: gaugeValue(pulseHealthCheckDuration, { selector: serviceSelector, by: [CHECK_LABEL], aggregate: 'max' }),
    legendFormat: legend(CHECK_LABEL),
  }),
  checkFlapping: (): PromTarget => ({
    refId: 'flapping',
    expr: gaugeValue(pulseHealthCheckFlapping, { selector: serviceSelector, by: [CHECK_LABEL], aggregate: 'max' }),
    legendFormat: legend(CHECK_LABEL),
  }),
  /** `up` per instance over time: 0 or a gap is an instance Prometheus could not scrape. */
  upHistory: (): PromTarget => ({
    refId: 'up',
    expr: targetUp(serviceSelector),
    legendFormat: legend(LABELS.instance),
  }),
  /** Targets now (`up`) and targets seen over the range: one seen but now absent or 0 stopped reporting. */
  targets: (): PromTarget[] => [
    table(TARGET_REFS.up, targetUp(serviceSelector)),
    table(TARGET_REFS.seen, targetSeen(SELECTED_RANGE, serviceSelector)),
  ],
  /** Graceful stops (SIGTERM, SIGINT, shutdown) and crashes written to Loki over the range. */
  lifecycleCounts: (): LokiTarget[] => [
    { refId: TARGET_REFS.stops, expr: gracefulStops(logScope, SELECTED_RANGE), queryType: 'instant' },
    { refId: TARGET_REFS.crashes, expr: crashes(logScope, SELECTED_RANGE), queryType: 'instant' },
  ],
  lifecycleEvents: (): LokiTarget => ({ refId: 'lifecycle', expr: lifecycleEvents(logScope), maxLines: 100 }),
  /** Blackbox uptime probes of the selected service (probe series carry it as `service_name`). */
  probeStatus: (): PromTarget => ({
    refId: 'probe',
    expr: probeSuccess(probeSelector),
    legendFormat: legend(PROBE_TARGET_LABEL),
  }),
  probeLatency: (): PromTarget => ({
    refId: 'probelat',
    expr: probeDuration(probeSelector),
    legendFormat: legend(PROBE_TARGET_LABEL),
  }),
  probesTable: (): PromTarget[] => [
    // Each keeps the probe's labels (job, instance = URL, module): the table joins on them.
    table('up', probeSuccess(probeSelector)),
    table('duration', probeDuration(probeSelector)),
    table('uptime', probeUptimeRatio(SELECTED_RANGE, probeSelector)),
    table('cert', certExpiryDays(probeSelector)),
  ],
};

export const healthProbe: EmptyStateProbe = {
  expr: `${pulseHealthStatus.name}${selector(serviceSelector)}`,
  title: 'No health checks',
  hint: 'No health metrics: configure `health: { checks }` in createPulse (each check reports status, latency and flapping).',
};
