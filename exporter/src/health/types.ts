// Public shapes of the health signal.

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What a check may return; `undefined` or `true` mean healthy, `false` unhealthy. */
export interface HealthCheckResult {
  status?: HealthStatus;
  /** A short human sentence ("pool saturated: 3 waiting"); secrets in it are redacted. */
  message?: string;
  /** Shown with `?verbose=true`; string values are redacted too. */
  details?: Record<string, unknown>;
}

export interface HealthCheckContext {
  /** Aborted when the check times out: pass it on to whatever the check waits for. */
  signal: AbortSignal;
}

export type HealthCheckFn = (
  ctx: HealthCheckContext,
) => HealthCheckResult | boolean | void | Promise<HealthCheckResult | boolean | void>;

export interface HealthCheck {
  /** Unique; becomes the `check` label. 1–64 letters, digits, "_", ".", "-". */
  name: string;
  check: HealthCheckFn;
  /** A failing critical check makes the service unhealthy and not ready; others degrade it. Default true. */
  critical?: boolean;
  /** Milliseconds between runs (from the end of one to the start of the next). Default `health.interval`. */
  interval?: number;
  /** Milliseconds a run may take before it counts as failed. Default `health.timeout`. */
  timeout?: number;
  /** When this (critical) check holds readiness back and lets it go. Default `health.readiness`. */
  readiness?: ReadinessThresholds;
}

export interface ReadinessThresholds {
  /** Unhealthy results in a row before `/health/ready` answers 503. Default 3. */
  failureThreshold?: number;
  /** Healthy or degraded results in a row before it answers 200 again. Default 1. */
  successThreshold?: number;
}

export interface CheckReport {
  status: HealthStatus | 'pending';
  critical: boolean;
  latencyMs: number | undefined;
  lastChecked: string | undefined;
  error?: string;
  message?: string;
  /** Verbose only from here on. */
  details?: Record<string, unknown>;
  flapping?: boolean;
  /** Share of the kept history that was not unhealthy, 0–1. */
  uptime?: number;
  consecutiveFailures?: number;
  lastSuccess?: string;
  lastFailure?: string;
  interval?: number;
  timeout?: number;
  history?: { at: string; status: HealthStatus; latencyMs: number; error?: string }[];
}

export interface HealthReport {
  status: HealthStatus;
  ready: boolean;
  shuttingDown: boolean;
  uptimeSeconds: number;
  timestamp: string;
  checks: Record<string, CheckReport>;
}
