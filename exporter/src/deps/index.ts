import { loadOtelApi } from '../context/otel';
import type { PulseCore } from '../core';
import { measureHttpClient } from './http-client';
import { DependencyRecorder } from './recorder';
import type { TrackDependency } from './track-dependency';
import { propagateTraceContext } from './trace-context';
import { createTrackDependency } from './track-dependency';
import { measureUndici } from './undici';

export { excludeFromDependencyTracking, PULSE_INTERNAL_HEADER } from './exclusions';
export type { TrackDependency, TrackDependencyOptions } from './track-dependency';

/** What the deps signal adds to the Pulse object. */
export interface DepsApi {
  /**
   * Measures a non-HTTP dependency call (Redis, a queue, gRPC…) into
   * `pulse_dependency_duration_seconds{dependency, dependency_type, error_type}`, the metric
   * outgoing HTTP calls land in too: `await pulse.trackDependency('redis', () => redis.get(k), { type: 'redis' })`.
   */
  trackDependency: TrackDependency;
}

/**
 * Outgoing dependencies: every node:http/https and fetch/undici request of the main thread,
 * measured through diagnostics_channel without touching call sites, plus trackDependency().
 */
export function createDepsSignal(core: PulseCore): { api: DepsApi } {
  const onError = (err: unknown): void => core.internalError('deps', err);
  const lokiUrls = lokiUrlOf(core);
  const recorder = new DependencyRecorder(core, lokiUrls);
  const trackDependency = createTrackDependency(recorder, onError);
  // Resolved now rather than on the first request: `@opentelemetry/api`, if the app has it.
  loadOtelApi();
  const propagate = core.options.deps.propagateTraceContext;
  if (propagate !== undefined) {
    const stopPropagating = propagateTraceContext(propagate.excludeHosts, lokiUrls, onError);
    core.onShutdown(stopPropagating);
  }
  if (core.options.deps.enabled) {
    const stopHttp = measureHttpClient(recorder, onError);
    const stopUndici = measureUndici(recorder, onError);
    core.onShutdown(() => {
      stopHttp();
      stopUndici();
    });
  }
  return { api: { trackDependency } };
}

/**
 * Pulse's own Loki, excluded by host in case anything pushes to it from the main thread (the
 * shipper itself runs in a worker, whose requests the main thread's channels never see).
 */
function lokiUrlOf(core: PulseCore): string[] {
  const loki = (core.options.logs as { loki?: { pushUrl?: unknown; url?: unknown } } | undefined)?.loki;
  const url = loki?.pushUrl ?? loki?.url;
  return typeof url === 'string' ? [url] : [];
}
