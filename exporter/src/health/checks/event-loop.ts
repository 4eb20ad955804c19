import type { LoopWatch } from '../loop-watch';
import type { EventLoopCheckOptions } from '../options';
import type { HealthCheck, HealthCheckResult } from '../types';

// The worst event-loop delay of the last ~10 s, from the health signal's heartbeat.

export function eventLoopCheck(name: string, options: EventLoopCheckOptions, watch: LoopWatch): HealthCheck {
  const maxDelay = options.maxDelay ?? 1000;
  const warnDelay = Math.min(options.warnDelay ?? 200, maxDelay);
  return {
    name,
    critical: options.critical ?? false,
    interval: options.interval,
    timeout: options.timeout,
    readiness: options.readiness,
    check(): HealthCheckResult {
      const delay = watch.recentMaxDelayMs();
      const details = { maxDelayMs: Math.round(delay) };
      const text = `event loop ${Math.round(delay)} ms late`;
      if (delay >= maxDelay) return { status: 'unhealthy', message: text, details };
      if (delay >= warnDelay) return { status: 'degraded', message: text, details };
      return { status: 'healthy', details };
    },
  };
}
