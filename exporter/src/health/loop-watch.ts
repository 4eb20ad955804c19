/** How often the heartbeat runs; a late heartbeat is the event loop's delay. */
const BEAT_MS = 500;
/** Beats remembered for "the worst delay in the last few seconds" (10 s). */
const BEATS_KEPT = 20;

/**
 * A heartbeat timer that measures how late the event loop runs it. Costs one timer callback per
 * half second (unref'd). Liveness and the event-loop check read it; a loop that is blocked right
 * now shows as a heartbeat that is overdue, one that was blocked shows as a late beat.
 */
export class LoopWatch {
  private readonly delays = new Float64Array(BEATS_KEPT);
  private next = 0;
  private lastBeat = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.beat(), BEAT_MS);
    this.timer.unref();
  }

  /** The most recent delay: how late the last beat was, or how overdue the next one is. */
  currentDelayMs(): number {
    const overdue = performance.now() - this.lastBeat - BEAT_MS;
    const last = this.delays[(this.next + BEATS_KEPT - 1) % BEATS_KEPT]!;
    return Math.max(0, overdue, last);
  }

  /** The worst delay over the last ~10 s, including an overdue beat. */
  recentMaxDelayMs(): number {
    let worst = Math.max(0, performance.now() - this.lastBeat - BEAT_MS);
    for (const d of this.delays) if (d > worst) worst = d;
    return worst;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const now = performance.now();
    this.delays[this.next] = Math.max(0, now - this.lastBeat - BEAT_MS);
    this.next = (this.next + 1) % BEATS_KEPT;
    this.lastBeat = now;
  }
}
