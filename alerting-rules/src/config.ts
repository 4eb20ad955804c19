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

/** A z-score rule's guards against flat histories: a standard deviation of 0 (or 0.1 ms) is not a baseline. */
export interface ZScoreGuard {
  /** |z| (or z, for one-sided rules) above which it fires. */
  zScore: number;
  /** The standard deviation is read as at least this share of the 1-week mean… */
  minStddevRatio: number;
  /** …and at least this absolute value (the series' unit). */
  minStddev: number;
  /** The change from the 1-week mean must also be at least this large (the series' unit). */
  minChange: number;
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
  /** Grafana's external URL: notifications link to the Pulse app pages below it (`dashboard_url`). */
  grafanaUrl: string;
  /**
   * Labels kept beside `job` (and Loki's `service_name`) in every aggregation and match, e.g.
   * `['env', 'cluster']` when one Prometheus scrapes several environments (the mixins' `clusterLabel`).
   */
  aggregationLabels: string[];
  /** Services (Prometheus `job` = Loki `service_name`) that get a "server lost" rule each. */
  services: string[];
  /** `minRequests`: requests a route needs in the 5m window before its p95 counts (below 20, p95 is the slowest request). */
  latency: { p95Seconds: number; for: string; minRequests: number };
  errorRatio: { threshold: number; minRequestsPerSecond: number };
  /**
   * `minRequests`: requests the long window of a burn-rate pair needs before it counts (also for
   * `routes` SLOs). Default: the fewest at which one failed request stays under the lowest page
   * factor, ⌈1 / (6 × (1 − objective))⌉ — 167 at 99.9 %.
   */
  slo: { objective: number; minRequests?: number };
  requestRateAnomaly: ZScoreGuard & { minRequestsPerSecond: number };
  /** Latency SLO: the share of requests answered within `thresholdSeconds` (a bucket boundary of the duration histogram). */
  latencySlo: { thresholdSeconds: number; objective: number; minRequestsPerSecond: number };
  /** 5xx ratio (0–1) rising above its 1-week history; `minChange` 0.02 = 2 percentage points. */
  errorRatioAnomaly: ZScoreGuard & { minRequestsPerSecond: number };
  /** Restarts (`process_start_time_seconds` changes) of one instance within `window` that make a crash loop. */
  crashLoop: { restarts: number; window: string };
  /** How long a vanished service (no `up` series at all) stays gone before it pages. */
  serviceAbsentFor: string;
  /**
   * New error fingerprints: remembered for `history` (keep it under Loki's retention), looked up
   * every `evaluateEvery` (a slower group: the long lookup does not run every minute).
   */
  newErrors: { history: string; evaluateEvery: string };
  eventLoopDelayP99Seconds: number;
  heapUsedRatio: number;
  /** Open file descriptors as a share of the process limit. */
  fileDescriptorRatio: number;
  slowQueriesPerSecond: number;
  dbPoolUsageRatio: number;
  dependencyErrorRatio: { threshold: number; minCallsPerSecond: number };
  errorBurst: { eventsPer5m: number };
  probes: {
    /**
     * URLs the blackbox exporter probes, with its module (provisioning/blackbox/blackbox.yml) and
     * the service they belong to (a `service_name` target label, so probe alerts name the service).
     */
    targets: Array<{ url: string; module: string; service: string }>;
    /** Slower than the 1-week mean of the 5m average probe duration (seconds). */
    latencyAnomaly: ZScoreGuard;
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
  grafanaUrl: 'http://localhost:3000',
  aggregationLabels: [],
  services: ['demo', 'payments'],
  latency: { p95Seconds: 1, for: '10m', minRequests: 20 },
  errorRatio: { threshold: 0.05, minRequestsPerSecond: 0.1 },
  slo: { objective: 0.999 },
  requestRateAnomaly: { zScore: 3, minStddevRatio: 0.1, minStddev: 0.05, minChange: 0.5, minRequestsPerSecond: 0.5 },
  latencySlo: { thresholdSeconds: 0.5, objective: 0.99, minRequestsPerSecond: 0.1 },
  errorRatioAnomaly: { zScore: 3, minStddevRatio: 0.1, minStddev: 0.005, minChange: 0.02, minRequestsPerSecond: 0.5 },
  crashLoop: { restarts: 3, window: '15m' },
  serviceAbsentFor: '5m',
  newErrors: { history: '6d', evaluateEvery: '10m' },
  eventLoopDelayP99Seconds: 0.2,
  heapUsedRatio: 0.9,
  fileDescriptorRatio: 0.8,
  slowQueriesPerSecond: 0.1,
  dbPoolUsageRatio: 0.9,
  dependencyErrorRatio: { threshold: 0.1, minCallsPerSecond: 0.1 },
  errorBurst: { eventsPer5m: 50 },
  probes: {
    // The demo's health endpoints and the payments service it calls (stack host names).
    targets: [
      { url: 'http://demo:3000/health/live', module: 'http_2xx', service: 'demo' },
      { url: 'http://demo:3000/health/ready', module: 'http_2xx', service: 'demo' },
      { url: 'http://payments:4000/health/ready', module: 'http_2xx', service: 'payments' },
    ],
    // A probe is read as varying by at least 10 % (and 5 ms); 20 ms slower is the least that alerts.
    latencyAnomaly: { zScore: 3, minStddevRatio: 0.1, minStddev: 0.005, minChange: 0.02 },
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
