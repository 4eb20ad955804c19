import { hostname } from 'node:os';
import { LIFECYCLE_FIELDS } from '../catalog/logs';
import type { PulseEvent } from '../events';

// Lifecycle events: a `start` when Pulse is created and one `stop` with its reason, so that an
// alert on a vanished target can tell a rollout (stop: SIGTERM / shutdown) from a crash
// (stop: crash, or no stop at all).

let instanceId: string | undefined;

/**
 * `host:pid`: one value per process, so a restart shows as a new instance. Every line Pulse writes
 * carries it (the loggers' base), and pulse_runtime_info has it as a label: the join between
 * Prometheus's `instance` (the scrape address, which the process cannot know) and its events.
 */
export function serviceInstanceId(): string {
  instanceId ??= `${hostname()}:${process.pid}`;
  return instanceId;
}

export type LifecyclePhase = 'start' | 'stop';

export function lifecycleEvent(
  phase: LifecyclePhase,
  reason: string | undefined,
  serviceVersion: string | undefined,
): PulseEvent {
  return {
    kind: 'lifecycle',
    level: phase === 'stop' && reason === 'crash' ? 'error' : 'info',
    message: phase === 'start' ? 'service started' : `service stopping (${reason ?? 'unknown'})`,
    lifecycle_phase: phase,
    ...(reason !== undefined ? { lifecycle_reason: reason } : {}),
    ...(serviceVersion !== undefined ? { [LIFECYCLE_FIELDS.serviceVersion]: serviceVersion } : {}),
    [LIFECYCLE_FIELDS.pid]: process.pid,
    [LIFECYCLE_FIELDS.nodeVersion]: process.version,
    [LIFECYCLE_FIELDS.uptime]: Math.round(process.uptime() * 1000) / 1000,
  };
}
