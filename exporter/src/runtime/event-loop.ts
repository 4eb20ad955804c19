import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface EventLoopWindow {
  /** Share of the window the loop was busy, 0–1. */
  utilization: number;
  /** Delay quantiles in seconds, resolution subtracted; undefined when the window saw no sample. */
  delay: { p50: number; p90: number; p99: number; max: number } | undefined;
}

/**
 * Event-loop utilisation and delay over windows: each `sample()` closes a window and opens the
 * next. The delay histogram is libuv's (a timer at `resolutionMs`, no JS per tick); its values
 * include the timer's own period, which is subtracted so an idle loop reads ~0, not ~resolution.
 */
export class EventLoopSampler {
  private readonly histogram: IntervalHistogram;
  private readonly resolutionNs: number;
  private lastElu: EventLoopUtilization;

  constructor(resolutionMs: number) {
    this.resolutionNs = resolutionMs * 1e6;
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
    this.lastElu = performance.eventLoopUtilization();
  }

  sample(): EventLoopWindow {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, this.lastElu).utilization;
    this.lastElu = now;
    const h = this.histogram;
    const delay =
      h.count > 0
        ? {
            p50: this.seconds(h.percentile(50)),
            p90: this.seconds(h.percentile(90)),
            p99: this.seconds(h.percentile(99)),
            max: this.seconds(h.max),
          }
        : undefined;
    h.reset();
    return { utilization: Number.isFinite(utilization) ? utilization : 0, delay };
  }

  stop(): void {
    this.histogram.disable();
  }

  private seconds(ns: number): number {
    return Math.max(0, ns - this.resolutionNs) / 1e9;
  }
}
