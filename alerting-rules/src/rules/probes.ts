import type { AlertConfig } from '../config';
import { promql } from '../queries';
import type { AlertRule, RecordingRule } from '../types';

// Uptime probes (Prometheus blackbox exporter): failure, latency anomaly, certificate expiry.

const GROUP = 'pulse-probes';
const BY = [promql.TARGET_LABELS.job, promql.TARGET_LABELS.instance];

export function probeRecordingRules(): RecordingRule[] {
  const rec = promql.RECORDED.probeDuration;
  const h = promql.historyNames(rec);
  return [
    { group: 'pulse-probes-recording', record: rec, expr: `avg_over_time(${promql.probeDuration()}[5m])` },
    { group: 'pulse-probes-recording', record: h.avg, expr: promql.historyStat(rec, 'avg') },
    { group: 'pulse-probes-recording', record: h.stddev, expr: promql.historyStat(rec, 'stddev') },
  ];
}

export function probeRules(config: AlertConfig): AlertRule[] {
  const { latencyZScore, certExpiryWarningDays, certExpiryCriticalDays } = config.probes;
  const rec = promql.RECORDED.probeDuration;
  const h = promql.historyNames(rec);
  const cert = (name: string, days: number, severity: 'warning' | 'critical'): AlertRule => ({
    kind: 'promql',
    name,
    group: GROUP,
    severity,
    for: '10m',
    expr: `${promql.certExpiryDays()} < ${days}`,
    summary: 'certificate of {{ $labels.instance }} expires in {{ $value | humanize }} days',
    description: `The TLS certificate served by {{ $labels.instance }} expires in {{ $value | humanize }} days (threshold ${days}).`,
    doc: {
      meaning: 'The earliest-expiring certificate of a probed HTTPS endpoint is close to expiry.',
      threshold: `Less than ${days} days left.`,
      tune: '`probes.certExpiryWarningDays`, `probes.certExpiryCriticalDays`.',
      action: 'Renew the certificate (check why automatic renewal, e.g. ACME, did not).',
    },
  });
  return [
    {
      kind: 'promql',
      name: 'PulseProbeFailed',
      group: GROUP,
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
      severity: 'warning',
      for: '10m',
      expr: `${promql.zScore(rec)} > ${latencyZScore} and on (${BY.join(', ')}) ${h.stddev} > 0`,
      summary: 'uptime probe of {{ $labels.instance }} is unusually slow',
      description: `The probe of {{ $labels.instance }} is more than ${latencyZScore} standard deviations slower than its 1-week mean.`,
      doc: {
        meaning: 'The probed URL answers much slower than usual, as seen from outside the service.',
        threshold: `z-score above ${latencyZScore} against the 1-week mean and standard deviation of the 5m average probe duration, for 10m.`,
        tune: '`probes.latencyZScore`.',
        action:
          "Compare with the service's own latency: if it is normal, the slowness is in the network, DNS or TLS path.",
      },
    },
    cert('PulseCertificateExpiringSoon', certExpiryWarningDays, 'warning'),
    cert('PulseCertificateExpiryImminent', certExpiryCriticalDays, 'critical'),
  ];
}
