import type { CheckState } from './check-state';
import type { HealthRunner } from './runner';
import type { CheckReport, HealthReport, HealthStatus } from './types';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const round = (ms: number): number => Math.round(ms * 100) / 100;

function checkReport(state: CheckState, verbose: boolean): CheckReport {
  const last = state.last;
  const report: CheckReport = {
    status: state.status,
    critical: state.def.critical,
    latencyMs: last === undefined ? undefined : round(last.latencyMs),
    lastChecked: iso(last?.at),
  };
  if (last?.error !== undefined) report.error = last.error;
  if (!verbose) return report;
  if (last?.message !== undefined) report.message = last.message;
  if (last?.details !== undefined) report.details = last.details;
  report.flapping = state.flapping;
  report.uptime = state.uptime;
  report.consecutiveFailures = state.consecutiveFailures;
  report.lastSuccess = iso(state.lastSuccessAt);
  report.lastFailure = iso(state.lastFailureAt);
  report.interval = state.def.interval;
  report.timeout = state.def.timeout;
  report.history = state.results.map((r) => ({
    at: new Date(r.at).toISOString(),
    status: r.status,
    latencyMs: round(r.latencyMs),
    ...(r.error !== undefined && { error: r.error }),
  }));
  return report;
}

/** The JSON `/health` serves. Every string in it went through redaction when it was recorded. */
export function healthReport(
  runner: HealthRunner,
  ready: boolean,
  shuttingDown: boolean,
  verbose: boolean,
): HealthReport {
  const checks: Record<string, CheckReport> = {};
  for (const [name, state] of runner.checks) checks[name] = checkReport(state, verbose);
  return {
    status: runner.compositeStatus(),
    ready,
    shuttingDown,
    uptimeSeconds: Math.round(process.uptime() * 10) / 10,
    timestamp: new Date().toISOString(),
    checks,
  };
}

/** What `/health` tells a caller without access to details: the status and each check's name and status. */
export interface HealthSummary {
  status: HealthStatus;
  checks: Record<string, { status: CheckReport['status'] }>;
}

export function healthSummary(report: HealthReport): HealthSummary {
  const checks: HealthSummary['checks'] = {};
  for (const [name, check] of Object.entries(report.checks)) checks[name] = { status: check.status };
  return { status: report.status, checks };
}
