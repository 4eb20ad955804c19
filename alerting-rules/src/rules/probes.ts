import type { AlertConfig } from '../config';
import { copyLabel, JOB_LABEL, SERVICE_LABEL } from '../labels';
import { promql } from '../queries';
import { baselineRecordingRules, FAST_INTERVAL, RECORDING_GROUPS, zScoreCondition } from '../recorded';
import type { AlertRule, RecordingRule } from '../types';

// Uptime probes (Prometheus blackbox exporter): failure, latency anomaly, certificate expiry.

const GROUP = 'pulse-probes';
const BY = [promql.TARGET_LABELS.job, promql.TARGET_LABELS.instance];
/** Probe series carry the probed service as `service_name` (a file_sd target label); `job` is the prober's. */
const PROBED_SERVICE = { [JOB_LABEL]: copyLabel(SERVICE_LABEL), [SERVICE_LABEL]: copyLabel(SERVICE_LABEL) };

export function probeRecordingRules(): RecordingRule[] {
  const rec = promql.RECORDED.probeDuration;
  return [
    {
      group: RECORDING_GROUPS.fast,
      interval: FAST_INTERVAL,
      record: rec,
      expr: `avg_over_time(${promql.probeDuration()}[5m])`,
    },
    ...baselineRecordingRules(rec),
  ];
}

export function probeRules(config: AlertConfig): AlertRule[] {
  const { latencyAnomaly, certExpiryWarningDays, certExpiryCriticalDays } = config.probes;
  const latencyZScore = latencyAnomaly.zScore;
  const rec = promql.RECORDED.probeDuration;
  // The warning stops where the critical starts: one certificate never pages twice.
  const cert = (name: string, days: number, severity: 'warning' | 'critical', floorDays?: number): AlertRule => ({
    kind: 'promql',
    name,
    group: GROUP,
    severity,
    for: '10m',
    labels: PROBED_SERVICE,
    expr:
      `${promql.certExpiryDays()} < ${days}` +
      (floorDays === undefined ? '' : ` and ${promql.certExpiryDays()} >= ${floorDays}`),
    summary: 'certificate of {{ $labels.instance }} expires in {{ $value | humanize }} days',
    description: `The TLS certificate served by {{ $labels.instance }} expires in {{ $value | humanize }} days (threshold ${days}).`,
    doc: {
      meaning: 'The earliest-expiring certificate of a probed HTTPS endpoint is close to expiry.',
      threshold:
        floorDays === undefined
          ? `Less than ${days} days left.`
          : `Less than ${days} days left and at least ${floorDays} (below that, the critical rule alone fires).`,
      tune: '`probes.certExpiryWarningDays`, `probes.certExpiryCriticalDays`.',
      action: 'Renew the certificate (check why automatic renewal, e.g. ACME, did not).',
    },
  });
  return [
    {
      kind: 'promql',
      name: 'PulseProbeFailed',
      group: GROUP,
      labels: PROBED_SERVICE,
      severity: 'critical',
      for: '2m',
      expr: `${promql.probeSuccess()} == 0`,
      summary: 'uptime probe of {{ $labels.instance }} fails',
      description: 'The blackbox probe of {{ $labels.instance }} ({{ $labels.job }}) has failed for 2m.',
      doc: {
        meaning:
          'An uptime probe (HTTP check of a URL by the blackbox exporter) fails: wrong status, timeout, refused connection or TLS error.',
        threshold: '`probe_success == 0` for 2m.',
        tune: "The probed URLs and modules are in the stack's blackbox configuration.",
        action:
          "Open the URL yourself; the blackbox exporter's `/probe?debug=true&target=…` shows why the probe failed.",
      },
    },
    {
      kind: 'promql',
      name: 'PulseProbeLatencyAnomaly',
      group: GROUP,
      labels: PROBED_SERVICE,
      severity: 'warning',
      for: '10m',
      expr: zScoreCondition(rec, BY, latencyAnomaly, 'up'),
      summary: 'uptime probe of {{ $labels.instance }} is unusually slow',
      description: `The probe of {{ $labels.instance }} is more than ${latencyZScore} standard deviations slower than its 1-week mean.`,
      doc: {
        meaning: 'The probed URL answers much slower than usual, as seen from outside the service.',
        threshold:
          `z-score above ${latencyZScore} against the 1-week mean and standard deviation of the 5m average probe duration, for 10m.` +
          ` The standard deviation counts as at least ${latencyAnomaly.minStddevRatio * 100} % of the mean and ${latencyAnomaly.minStddev * 1000} ms,` +
          ` and the probe must be at least ${latencyAnomaly.minChange * 1000} ms slower than the mean: a 0.1 ms-steady probe does not alert on 1 ms, nor a +5 ms step for hours.`,
        tune: '`probes.latencyAnomaly`: `zScore`, `minStddevRatio`, `minStddev` (seconds), `minChange` (seconds).',
        action:
          "Compare with the service's own latency: if it is normal, the slowness is in the network, DNS or TLS path.",
      },
    },
    cert('PulseCertificateExpiringSoon', certExpiryWarningDays, 'warning', certExpiryCriticalDays),
    cert('PulseCertificateExpiryImminent', certExpiryCriticalDays, 'critical'),
  ];
}
