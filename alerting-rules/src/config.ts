// The one file to edit to tune Pulse's alerts. Per-route entries (route pattern → latency
// threshold and/or SLO objective) become rules of their own; every other route falls under the
// defaults. Run `npm run generate` after editing: the provisioning files and docs/alerts.md follow.

export interface RouteOverride {
  /** Regular expression over `http_route` (the Express route template), fully anchored by PromQL. */
  route: string;
  /** p95 latency above which the route alerts, in seconds. */
  latencyP95Seconds?: number;
  /** Availability objective (0–1) of the route's SLO, e.g. 0.999. */
  objective?: number;
}

export interface LogPattern {
  /** Alert name suffix (`PulseLogPattern<Name>`). */
  name: string;
  /** Regular expression matched against each log line (RE2 syntax). */
  pattern: string;
  /** Lines matching within 5 minutes before it fires. */
  threshold: number;
  severity: 'critical' | 'warning' | 'info';
}

export interface AlertConfig {
  /** Data source uids the Grafana rules query (match the provisioned data sources). */
  datasources: { prometheus: string; loki: string };
  /** Grafana folder the rules are provisioned into. */
  folder: string;
  /** Base URL of the runbook: each rule links to its section of docs/alerts.md. */
  runbookBaseUrl: string;
  /** Services (Prometheus `job` = Loki `service_name`) that get a "server lost" rule each. */
  services: string[];
  latency: { p95Seconds: number; for: string };
  errorRatio: { threshold: number; minRequestsPerSecond: number };
  slo: { objective: number };
  requestRateAnomaly: { zScore: number; minRequestsPerSecond: number };
  eventLoopDelayP99Seconds: number;
  heapUsedRatio: number;
  slowQueriesPerSecond: number;
  dbPoolUsageRatio: number;
  dependencyErrorRatio: { threshold: number; minCallsPerSecond: number };
  errorBurst: { eventsPer5m: number };
  probes: {
    /** URLs the blackbox exporter probes, with its module (provisioning/blackbox/blackbox.yml). */
    targets: Array<{ url: string; module: string }>;
    latencyZScore: number;
    certExpiryWarningDays: number;
    certExpiryCriticalDays: number;
  };
  routes: RouteOverride[];
  logPatterns: LogPattern[];
}

export const alertConfig: AlertConfig = {
  datasources: { prometheus: 'prometheus', loki: 'loki' },
  folder: 'Pulse',
  runbookBaseUrl: 'https://github.com/pulse-apm/pulse/blob/main/docs/alerts.md',
  services: ['demo', 'payments'],
  latency: { p95Seconds: 1, for: '10m' },
  errorRatio: { threshold: 0.05, minRequestsPerSecond: 0.1 },
  slo: { objective: 0.999 },
  requestRateAnomaly: { zScore: 3, minRequestsPerSecond: 0.5 },
  eventLoopDelayP99Seconds: 0.2,
  heapUsedRatio: 0.9,
  slowQueriesPerSecond: 0.1,
  dbPoolUsageRatio: 0.9,
  dependencyErrorRatio: { threshold: 0.1, minCallsPerSecond: 0.1 },
  errorBurst: { eventsPer5m: 50 },
  probes: {
    // The demo's health endpoints and the payments service it calls (stack host names).
    targets: [
      { url: 'http://demo:3000/health/live', module: 'http_2xx' },
      { url: 'http://demo:3000/health/ready', module: 'http_2xx' },
      { url: 'http://payments:4000/health/ready', module: 'http_2xx' },
    ],
    latencyZScore: 3,
    certExpiryWarningDays: 14,
    certExpiryCriticalDays: 3,
  },
  routes: [
    // The demo's orders call the payments service: more time, and a stricter SLO (they are revenue).
    { route: '/api/:version/orders', latencyP95Seconds: 2, objective: 0.9995 },
    { route: '/api/:version/search', latencyP95Seconds: 0.5 },
  ],
  logPatterns: [{ name: 'ConnectionRefused', pattern: 'ECONNREFUSED', threshold: 10, severity: 'warning' }],
};
