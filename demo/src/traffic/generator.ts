import { excludeFromDependencyTracking } from '@pulse-apm/exporter';
import { trafficClient } from './http';
import { planRequest } from './mix';
import { phaseAt, resolveSchedule, type Phase, type ScheduleOptions } from './schedule';
import { allowedTargetsFromEnv, checkTrafficTarget } from './targets';

export interface TrafficOptions extends Partial<ScheduleOptions> {
  /** Non-loopback origins allowed as targets. Default: TRAFFIC_TARGET's list. */
  allowedTargets?: string[];
  /** Requests in flight at most; past it the generator skips beats (it never queues). Default 16. */
  maxInFlight?: number;
  /** Stop by itself after this long. Default: runs until stop(). */
  durationMs?: number;
  /** Stop by itself after this many requests. */
  maxRequests?: number;
  /**
   * The payments service: each error spike also switches it into an outage for the spike's
   * length (POST /admin/outage). Same target rules as the demo's URL. Default none. In the
   * demo's own process prefer `onErrorSpike`: this call would count as one of its dependency calls.
   */
  paymentsUrl?: string;
  /** Called when an error spike starts, with its length (e.g. to put an in-process payments into an outage). */
  onErrorSpike?: (lengthMs: number) => void;
  /** Random source (tests pass a seeded one). Default Math.random. */
  random?: () => number;
  /** Called after each response or failure (status 0). */
  onResponse?: (status: number, phase: Phase) => void;
}

const TICK_MS = 100;

/**
 * Sends a day-shaped stream of requests to the demo at `baseUrl` (see schedule.ts and mix.ts).
 * Loopback only unless the origin is listed (TrafficTargetError otherwise). Returns stop(),
 * which resolves once in-flight requests settled and sockets closed.
 */
export function startTraffic(baseUrl: string, options: TrafficOptions = {}): () => Promise<void> {
  const allowed = options.allowedTargets ?? allowedTargetsFromEnv();
  const origin = checkTrafficTarget(baseUrl, allowed);
  const paymentsOrigin =
    options.paymentsUrl === undefined ? undefined : checkTrafficTarget(options.paymentsUrl, allowed);
  const schedule = resolveSchedule(options);
  const maxInFlight = options.maxInFlight ?? 16;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 256) {
    throw new Error(`traffic option maxInFlight: expected an integer from 1 to 256, got ${String(maxInFlight)}`);
  }
  const random = options.random ?? Math.random;

  // When the demo runs in this process, its Pulse would count these requests as outgoing calls.
  // (Not payments': the demo's own calls to it must stay measured.)
  excludeFromDependencyTracking(origin);

  const client = trafficClient(maxInFlight);
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  let credit = 0;
  let sent = 0;
  let lastSpike = false;

  const fire = (p: Promise<unknown>): void => {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };

  const tick = (): void => {
    const elapsed = Date.now() - started;
    if (
      (options.durationMs !== undefined && elapsed >= options.durationMs) ||
      (options.maxRequests !== undefined && sent >= options.maxRequests)
    ) {
      void stop();
      return;
    }
    const phase = phaseAt(elapsed, schedule);
    if (phase.errorSpike && !lastSpike) {
      options.onErrorSpike?.(schedule.errorSpikeLengthMs);
      if (paymentsOrigin) {
        fire(client.send('POST', `${paymentsOrigin}/admin/outage`, { seconds: schedule.errorSpikeLengthMs / 1000 }));
      }
    }
    lastSpike = phase.errorSpike;
    credit = Math.min(credit + (phase.requestsPerSecond * TICK_MS) / 1000, maxInFlight);
    while (
      credit >= 1 &&
      inFlight.size < maxInFlight &&
      (options.maxRequests === undefined || sent < options.maxRequests)
    ) {
      credit -= 1;
      sent += 1;
      const planned = planRequest(phase, random);
      fire(
        client.send(planned.method, origin + planned.path, planned.body).then(
          (r) => options.onResponse?.(r.status, phase),
          () => options.onResponse?.(0, phase),
        ),
      );
    }
  };
  const timer = setInterval(tick, TICK_MS);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timer);
      // Bounded wait: a hung target must not hang shutdown.
      await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 5_000).unref())]);
      client.close();
    })();
    return stopping;
  };
  return stop;
}
