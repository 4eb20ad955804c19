import { anyOf, bool, literal, num, object } from '../config/schema';

// Options of the runtime signal: `createPulse({ runtime: { … } })`. Validated at createPulse().

export interface RuntimeOptions {
  /** Pulse's runtime metrics (prom-client's default metrics are `metrics.defaultMetrics`). Default true. */
  enabled?: boolean;
  /** How often the background sampler reads the runtime (ms). Default 5000. */
  sampleIntervalMs?: number;
  /**
   * monitorEventLoopDelay resolution (ms). Lower is finer and costs more CPU: 20 ms costs ≈ 4 ms
   * of CPU per second, 10 ms ≈ 7.5 ms. Default 20.
   */
  eventLoopResolutionMs?: number;
  /** Leak heuristic: sustained growth of the heap floor or of active handles; `false` turns it off. */
  leak?: LeakOptions | false;
}

export interface LeakOptions {
  /** Window over which growth must be sustained (ms). Default 30 minutes. */
  windowMs?: number;
  /** Slices the window is cut into; the floor must rise from each slice to the next. Default 6. */
  slices?: number;
  /** Minimum growth of the heap floor over the window (0.1 = +10 %). Default 0.1. */
  minHeapGrowth?: number;
  /** Minimum growth of the active handle count over the window (ratio). Default 0.1. */
  minHandleGrowth?: number;
  /** Handles must also grow by at least this many (small counts are noisy). Default 50. */
  minHandleIncrease?: number;
}

const leakSchema = object({
  windowMs: num({ min: 100, max: 7 * 24 * 3600_000, integer: true, unit: 'ms' }),
  slices: num({ min: 2, max: 100, integer: true }),
  minHeapGrowth: num({ min: 0, max: 100 }),
  minHandleGrowth: num({ min: 0, max: 100 }),
  minHandleIncrease: num({ min: 0, max: 1_000_000, integer: true }),
});

export const runtimeOptionsSchema = object({
  enabled: bool(),
  sampleIntervalMs: num({ min: 10, max: 3600_000, integer: true, unit: 'ms' }),
  eventLoopResolutionMs: num({ min: 1, max: 1000, integer: true, unit: 'ms' }),
  leak: anyOf(leakSchema, literal(false)),
});

export interface ResolvedLeakOptions {
  windowMs: number;
  slices: number;
  minHeapGrowth: number;
  minHandleGrowth: number;
  minHandleIncrease: number;
}

export interface ResolvedRuntimeOptions {
  enabled: boolean;
  sampleIntervalMs: number;
  eventLoopResolutionMs: number;
  leak: ResolvedLeakOptions | false;
}

export function resolveRuntimeOptions(input: RuntimeOptions | undefined): ResolvedRuntimeOptions {
  const leak = input?.leak;
  return {
    enabled: input?.enabled ?? true,
    sampleIntervalMs: input?.sampleIntervalMs ?? 5000,
    eventLoopResolutionMs: input?.eventLoopResolutionMs ?? 20,
    leak:
      leak === false
        ? false
        : {
            windowMs: leak?.windowMs ?? 30 * 60_000,
            slices: leak?.slices ?? 6,
            minHeapGrowth: leak?.minHeapGrowth ?? 0.1,
            minHandleGrowth: leak?.minHandleGrowth ?? 0.1,
            minHandleIncrease: leak?.minHandleIncrease ?? 50,
          },
  };
}
