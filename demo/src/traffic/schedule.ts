// The shape of a compressed day: how busy the demo is at each moment, when errors spike and
// when the slow period runs. Pure functions of elapsed time, so the shape is testable.

export interface ScheduleOptions {
  /** Length of one compressed day. Default 5 minutes. */
  dayLengthMs: number;
  /** Requests per second at the day's peak. Default 15. */
  peakRequestsPerSecond: number;
  /** An error spike starts every this many ms. Default 90 s. */
  errorSpikeEveryMs: number;
  /** How long a spike lasts. Default 10 s. */
  errorSpikeLengthMs: number;
  /** The slow period, as fractions of the day: [start, end). Default [0.6, 0.7] (14:24–16:48). */
  slowPeriod: [number, number];
  /** Time of day at start, as a fraction. Default 0.35 (08:24, the morning ramp): busy from the first minute. */
  startTimeOfDay: number;
}

export const DEFAULT_SCHEDULE: ScheduleOptions = {
  dayLengthMs: 5 * 60_000,
  peakRequestsPerSecond: 15,
  errorSpikeEveryMs: 90_000,
  errorSpikeLengthMs: 10_000,
  slowPeriod: [0.6, 0.7],
  startTimeOfDay: 0.35,
};

export interface Phase {
  /** 0 (midnight) to 1. */
  timeOfDay: number;
  requestsPerSecond: number;
  errorSpike: boolean;
  slow: boolean;
}

/**
 * Load as a share of the peak at a time of day: a quiet night (~10 %), a morning peak around
 * 10:00 and a higher one around 19:00 — two Gaussian bumps on a floor.
 */
export function dailyLoad(timeOfDay: number): number {
  const bump = (centre: number, width: number): number => Math.exp(-((timeOfDay - centre) ** 2) / (2 * width ** 2));
  return Math.min(1, 0.1 + 0.6 * bump(10 / 24, 0.08) + 0.9 * bump(19 / 24, 0.1));
}

export function phaseAt(elapsedMs: number, o: ScheduleOptions): Phase {
  const timeOfDay = (o.startTimeOfDay + (elapsedMs % o.dayLengthMs) / o.dayLengthMs) % 1;
  // The first spike comes after a full period, so a fresh start shows normal traffic first.
  const sinceSpike = elapsedMs % o.errorSpikeEveryMs;
  const errorSpike = elapsedMs >= o.errorSpikeEveryMs && sinceSpike < o.errorSpikeLengthMs;
  const slow = timeOfDay >= o.slowPeriod[0] && timeOfDay < o.slowPeriod[1];
  return { timeOfDay, requestsPerSecond: o.peakRequestsPerSecond * dailyLoad(timeOfDay), errorSpike, slow };
}

/** Validates partial schedule options, naming the bad one. */
export function resolveSchedule(input: Partial<ScheduleOptions> = {}): ScheduleOptions {
  const o = { ...DEFAULT_SCHEDULE, ...input };
  const positive = (name: keyof ScheduleOptions, max: number): void => {
    const v = o[name] as number;
    if (typeof v !== 'number' || !(v > 0 && v <= max))
      throw new Error(`traffic option ${name}: expected a number from 0 to ${max}, got ${String(v)}`);
  };
  positive('dayLengthMs', 7 * 86_400_000);
  positive('peakRequestsPerSecond', 200); // a demo, not a load test
  positive('errorSpikeEveryMs', 86_400_000);
  positive('errorSpikeLengthMs', o.errorSpikeEveryMs);
  if (!(o.startTimeOfDay >= 0 && o.startTimeOfDay < 1)) {
    throw new Error(`traffic option startTimeOfDay: expected a fraction from 0 to 1, got ${String(o.startTimeOfDay)}`);
  }
  const [start, end] = o.slowPeriod;
  if (!(start >= 0 && end <= 1 && start <= end)) {
    throw new Error(
      `traffic option slowPeriod: expected [start, end] fractions of the day with 0 ≤ start ≤ end ≤ 1, got ${JSON.stringify(o.slowPeriod)}`,
    );
  }
  return o;
}
