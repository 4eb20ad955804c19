import {
  pulseDbNPlusOne,
  pulseDbRouteQueries,
  pulseDbRouteQueryDuration,
  pulseDbUntrackedQueries,
} from '../catalog/db';
import type { RequestContext } from '../context/request-context';
import type { PulseCore, RequestEnd } from '../core';
import type { CounterSeries } from '../metrics/counter';
import type { EventBudget } from './event-budget';
import type { DbSystem } from './hub';
import type { NPlusOneOptions } from './options';
import type { QueryShape } from './query-shapes';

// Per-request query bookkeeping, kept in `ctx.signals.db`: how often each pattern ran, how long
// it took, and how many of its runs were sequential. At request end it feeds the per-route
// query counters and N+1 detection.
//
// Why "sequential": an N+1 is a loop that awaits one query per item, so its runs never overlap.
// A batch issued together (`Promise.all(ids.map(load))`) is a deliberate fan-out, not an N+1.
// Runs of a pattern that overlap form a group; only runs alone in their group count towards the
// N+1 threshold. A run spans from when the application issued it — for a pool query, when it
// asked the pool for a connection — to its end: over a cold pool, a batch's queries can start
// one by one as connections open, each after the previous one ended, yet they were all issued
// at once. Counting per pattern, rather than only consecutive identical statements as Sentry
// does, also catches interleaved loops (A, B, A, B…).

/** Distinct patterns tracked per request; past it, queries still get metrics but no per-request tracking. */
export const MAX_PATTERNS_PER_REQUEST = 200;

export interface PatternRuns {
  readonly shape: QueryShape;
  readonly system: DbSystem;
  runs: number;
  /** Runs no other run of this pattern overlapped. */
  sequentialRuns: number;
  inFlight: number;
  /** Runs in the current group of overlapping runs. */
  groupSize: number;
  /** performance.now() at which the last finished run ended. */
  lastEnd: number;
  totalMs: number;
}

export class RequestQueries {
  readonly patterns = new Map<QueryShape, PatternRuns>();
  /** Set once the request's response closed: later queries (fire-and-forget work) are not attributed. */
  ended = false;
  constructor(readonly owner: RequestQueryTracker) {}
}

type RouteSeries = { count: CounterSeries; seconds: CounterSeries };

/**
 * One per Pulse instance. `started`/`finished` run per query (a Map lookup and a few additions);
 * `requestEnded` runs once per request that ran queries.
 */
export class RequestQueryTracker {
  private readonly routeCounts;
  private readonly routeSeconds;
  private readonly findings;
  private readonly untracked: CounterSeries;
  private readonly routeSeries = new Map<string, RouteSeries>();
  private readonly findingSeries = new Map<string, CounterSeries>();

  constructor(
    private readonly core: PulseCore,
    private readonly nPlusOne: Required<NPlusOneOptions> | false,
    private readonly budget: EventBudget,
  ) {
    this.routeCounts = core.metrics.counter(pulseDbRouteQueries);
    this.routeSeconds = core.metrics.counter(pulseDbRouteQueryDuration);
    this.findings = core.metrics.counter(pulseDbNPlusOne);
    this.untracked = core.metrics.counter(pulseDbUntrackedQueries).seriesFor([]);
  }

  /**
   * A query of `shape`, issued by the application at `issuedAt`, starts within request `ctx`.
   * Returns its pattern's record, or undefined when not tracked.
   */
  started(ctx: RequestContext, shape: QueryShape, system: DbSystem, issuedAt: number): PatternRuns | undefined {
    let state = ctx.signals.db as RequestQueries | undefined;
    if (state === undefined) {
      state = new RequestQueries(this);
      ctx.signals.db = state;
    } else if (state.ended || state.owner !== this) {
      return undefined; // after the response, or another Pulse instance's request
    }
    let runs = state.patterns.get(shape);
    if (runs === undefined) {
      if (state.patterns.size >= MAX_PATTERNS_PER_REQUEST) {
        this.untracked.inc();
        return undefined;
      }
      runs = { shape, system, runs: 0, sequentialRuns: 0, inFlight: 0, groupSize: 0, lastEnd: -Infinity, totalMs: 0 };
      state.patterns.set(shape, runs);
    }
    runs.runs++;
    if (runs.inFlight === 0 && issuedAt >= runs.lastEnd) {
      runs.groupSize = 1; // alone so far: sequential unless another run overlaps it
      runs.sequentialRuns++;
    } else if (runs.groupSize++ === 1) {
      runs.sequentialRuns--; // the run it overlaps was counted as alone: it was not
    }
    runs.inFlight++;
    return runs;
  }

  finished(runs: PatternRuns, ms: number, endTime: number): void {
    runs.inFlight--;
    runs.totalMs += ms;
    if (endTime > runs.lastEnd) runs.lastEnd = endTime;
  }

  requestEnded(ctx: RequestContext, end: RequestEnd): void {
    const state = ctx.peekSignal('db') as RequestQueries | undefined;
    if (state === undefined || state.owner !== this || state.ended) return;
    state.ended = true;
    const route = end.route;
    for (const runs of state.patterns.values()) {
      const series = this.routeSeriesFor(route, runs);
      series.count.inc(runs.runs);
      series.seconds.inc(runs.totalMs / 1000);
      if (this.nPlusOne !== false && runs.shape.dataOperation && runs.sequentialRuns >= this.nPlusOne.threshold) {
        if (runs.totalMs >= this.nPlusOne.minTotalDurationMs) this.report(ctx, route, runs);
      }
    }
  }

  private report(ctx: RequestContext, route: string, runs: PatternRuns): void {
    const { shape } = runs;
    const key = route + '\u0000' + shape.collection;
    let series = this.findingSeries.get(key);
    if (series === undefined) {
      series = this.findings.seriesFor([route, shape.collection]);
      if (!this.findings.isOverflow(series)) this.findingSeries.set(key, series);
    }
    series.inc();
    this.budget.emit('n_plus_one', () => ({
      kind: 'n_plus_one',
      level: 'warn',
      message: `N+1 queries: ${shape.operation} ${shape.collection || '(no table)'} ran ${runs.runs} times in one request to ${route}`,
      traceId: ctx.traceId,
      route,
      db_system_name: runs.system,
      db_operation_name: shape.operation,
      db_collection_name: shape.collection,
      db_query_text: shape.text,
      count: runs.runs,
      sequential_count: runs.sequentialRuns,
      total_duration_ms: round(runs.totalMs),
    }));
  }

  private routeSeriesFor(route: string, runs: PatternRuns): RouteSeries {
    const { shape } = runs;
    const key = route + '\u0000' + runs.system + '\u0000' + shape.operation + '\u0000' + shape.collection;
    let series = this.routeSeries.get(key);
    if (series === undefined) {
      const labels = [route, runs.system, shape.operation, shape.collection];
      series = { count: this.routeCounts.seriesFor(labels), seconds: this.routeSeconds.seriesFor(labels) };
      // Overflow series are not cached, so each later use is still counted as dropped.
      if (!this.routeCounts.isOverflow(series.count) && !this.routeSeconds.isOverflow(series.seconds)) {
        this.routeSeries.set(key, series);
      }
    }
    return series;
  }
}

export const round = (ms: number): number => Math.round(ms * 1000) / 1000;
