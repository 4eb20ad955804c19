import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The longest the event loop was blocked while `work` ran, in ms: at most perf_hooks' event-loop
 * delay histogram (1 ms resolution) and at most the CPU time the process used meanwhile. The work
 * may be async (real HTTP requests); a synchronous stall anywhere in it shows up as one long delay,
 * and since a stall of ours is computation, as CPU time too. A loop that only waited for a core
 * (a loaded CI machine) shows a long delay but little CPU, so both bounds are taken.
 */
export async function longestLoopBlockMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const cpuBefore = process.cpuUsage();
  try {
    await new Promise((r) => setTimeout(r, 5));
    await work();
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    histogram.disable();
  }
  const cpu = process.cpuUsage(cpuBefore);
  // The histogram reports delay beyond the resolution; a blocked loop shows up as its length.
  return Math.min(histogram.max / 1e6, (cpu.user + cpu.system) / 1000);
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
