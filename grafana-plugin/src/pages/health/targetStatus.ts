// Whether each instance of the service still reports, and when one stopped, whether it was a
// graceful stop (a rollout) or a lost server. Pure: instant query rows in, verdicts out.
//
// Prometheus' `instance` is host:port and Loki's lifecycle events carry host:pid, so the two
// cannot be joined per instance: like the PulseServerLost alert rule, a graceful stop of the
// service within the range explains a stopped instance.

/** `up`: 1 reporting; `stopped`: gone after a graceful stop; `lost`: gone with no graceful stop; `crashed`: gone after a crash event. */
export type TargetVerdict = 'up' | 'stopped' | 'lost' | 'crashed';

export interface TargetStatus {
  instance: string;
  verdict: TargetVerdict;
  /** Why, in words. */
  detail: string;
}

export interface TargetInputs {
  /** `up` now, per instance (absent = no sample: the target is no longer scraped). */
  up: Array<{ instance: string; value: number }>;
  /** Instances that reported over the range (`max_over_time(up[range])`, any value). */
  seen: Array<{ instance: string; value: number }>;
  /** Graceful stop events of the service over the range (all instances). */
  gracefulStops: number;
  /** Crash events of the service over the range. */
  crashes: number;
}

export function classifyTargets(inputs: TargetInputs): TargetStatus[] {
  const now = new Map(inputs.up.map((r) => [r.instance, r.value]));
  const instances = [...new Set([...inputs.seen.map((r) => r.instance), ...now.keys()])].sort();
  return instances.map((instance): TargetStatus => {
    const value = now.get(instance);
    if (value === 1) {
      return { instance, verdict: 'up', detail: 'Reporting' };
    }
    const how = value === undefined ? 'no longer scraped' : 'scrape failing (up == 0)';
    if (inputs.crashes > 0) {
      return {
        instance,
        verdict: 'crashed',
        detail: `Stopped reporting (${how}); the service logged a crash in this range`,
      };
    }
    if (inputs.gracefulStops > 0) {
      return {
        instance,
        verdict: 'stopped',
        detail: `Stopped reporting (${how}) after a graceful stop (SIGTERM, SIGINT or shutdown)`,
      };
    }
    return {
      instance,
      verdict: 'lost',
      detail: `Server lost: stopped reporting (${how}) with no graceful stop logged`,
    };
  });
}

/** The page's headline: every instance up, some stopped gracefully, or servers lost. */
export function targetsSummary(statuses: TargetStatus[]): { severity: 'success' | 'info' | 'error'; text: string } {
  const lost = statuses.filter((s) => s.verdict === 'lost' || s.verdict === 'crashed');
  const stopped = statuses.filter((s) => s.verdict === 'stopped');
  if (statuses.length === 0) {
    return { severity: 'info', text: 'Prometheus has no target for this service in the selected range.' };
  }
  if (lost.length > 0) {
    return { severity: 'error', text: `Server lost: ${lost.map((s) => s.instance).join(', ')}` };
  }
  if (stopped.length > 0) {
    return { severity: 'info', text: `Stopped gracefully: ${stopped.map((s) => s.instance).join(', ')}` };
  }
  return { severity: 'success', text: `All ${statuses.length} instance(s) reporting` };
}
