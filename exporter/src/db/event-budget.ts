import type { PulseEvent } from '../events';
import type { Counter, CounterSeries } from '../metrics/counter';
import type { PulseCore } from '../core';

// A token bucket in front of the event sink: a database in trouble makes every query slow and
// every request an N+1 suspect at once, and Pulse must not turn that into a log flood. Events
// past the budget are counted (`pulse_db_events_total{outcome="throttled"}`), not sent.

export type DbEventKind = 'slow_query' | 'n_plus_one';

export class EventBudget {
  private tokens: number;
  private last = performance.now();
  private readonly series: Record<DbEventKind, { emitted: CounterSeries; throttled: CounterSeries }>;

  constructor(
    private readonly core: PulseCore,
    private readonly perSecond: number,
    counter: Counter,
  ) {
    this.tokens = perSecond;
    const pair = (kind: DbEventKind) => ({
      emitted: counter.seriesFor([kind, 'emitted']),
      throttled: counter.seriesFor([kind, 'throttled']),
    });
    this.series = { slow_query: pair('slow_query'), n_plus_one: pair('n_plus_one') };
  }

  /** Sends the event if the budget allows; builds it only then. */
  emit(kind: DbEventKind, build: () => PulseEvent): void {
    const now = performance.now();
    // Refill continuously; the bucket holds at most one second's worth (the burst allowance).
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) {
      this.series[kind].throttled.inc();
      return;
    }
    this.tokens -= 1;
    this.series[kind].emitted.inc();
    this.core.events.emit(build());
  }
}
