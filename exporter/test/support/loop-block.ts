import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The longest the event loop was blocked while `work` ran, in ms, measured by perf_hooks'
 * event-loop delay histogram (1 ms resolution). The work may be async (real HTTP requests);
 * a synchronous stall anywhere in it shows up as one long delay.
 */
export async function longestLoopBlockMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  try {
    await new Promise((r) => setTimeout(r, 5));
    await work();
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    histogram.disable();
  }
  // The histogram reports delay beyond the resolution; a blocked loop shows up as its length.
  return histogram.max / 1e6;
}

/**
 * The smallest of up to `attempts` measurements of `work`, stopping at the first under `limitMs`.
 * A backtracking stall is deterministic and blocks every time; a busy shared machine (GC, another
 * process on the core) delays one run now and then. Taking the best of a few runs keeps the first
 * and drops the second.
 */
export async function leastLoopBlockMs(
  work: () => Promise<unknown> | unknown,
  limitMs: number,
  attempts = 5,
): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < attempts && least > limitMs; i++) least = Math.min(least, await longestLoopBlockMs(work));
  return least;
}
