import { DB_CONNECT_OPERATION, dbClientOperationDuration } from '../catalog/db';
import type { RequestContext } from '../context/request-context';
import { currentContext } from '../context/request-context';
import type { PulseCore } from '../core';
import type { Histogram, HistogramSeries } from '../metrics/histogram';
import type { CallSiteHolder } from './caller';
import { captureCallSite } from './caller';
import { checkoutIssuedAt } from './checkout';
import { errorTypeOf } from './error-type';
import type { DbSystem, QueryObservation, SystemRecorder } from './hub';
import type { PatternRuns, RequestQueryTracker } from './n-plus-one';
import type { QueryShape } from './query-shapes';
import type { SlowQueryLog } from './slow-queries';

// What happens to every query, whatever the driver: the hot path. At start: one cache lookup for
// the statement's shape, the request context, the per-request pattern record, a timestamp. At
// end: a timestamp, one histogram observation on a cached series, and the slow query check.
// Optional work (caller stacks, parameters) is decided once, at construction.

/** The pieces of one Pulse instance's db signal that every system recorder shares. */
/** Turns what a driver announced (SQL text, a Redis command name) into its shape. */
export interface ShapeSource {
  of(text: string): QueryShape;
}

export interface DbRecording {
  readonly core: PulseCore;
  readonly duration: Histogram;
  readonly tracker: RequestQueryTracker;
  readonly slowQueries: SlowQueryLog | undefined;
  readonly exemplars: boolean;
  readonly sqlCacheSize: number;
}

const CONNECT_SHAPE: QueryShape = {
  text: '',
  operation: DB_CONNECT_OPERATION,
  collection: '',
  dataOperation: false,
  okSeries: undefined,
};

class Observation implements QueryObservation {
  private done = false;
  constructor(
    private readonly recorder: DbSystemRecorder,
    readonly shape: QueryShape,
    readonly startTime: number,
    readonly ctx: RequestContext | undefined,
    readonly runs: PatternRuns | undefined,
    readonly values: unknown,
    readonly callSite: CallSiteHolder | undefined,
  ) {}

  end(error: unknown, rows: number | undefined): void {
    if (this.done) return;
    this.done = true;
    this.recorder.finish(this, error, rows);
  }
}

export class DbSystemRecorder implements SystemRecorder {
  private readonly connectShape: QueryShape = { ...CONNECT_SHAPE };
  private readonly timeOrigin = performance.timeOrigin;
  private readonly captureCaller: boolean;
  readonly wantsCallSite: boolean;
  private readonly captureValues: boolean;
  private readonly slowMs: number;

  constructor(
    readonly system: DbSystem,
    private readonly shapes: ShapeSource,
    private readonly recording: DbRecording,
    private readonly errorType: (error: unknown) => string = errorTypeOf,
  ) {
    const slow = recording.slowQueries;
    this.captureCaller = slow?.captureCaller ?? false;
    this.wantsCallSite = this.captureCaller;
    this.captureValues = slow?.captureParameters ?? false;
    this.slowMs = slow?.thresholdMs ?? Infinity;
  }

  startQuery(sql: string, values: unknown): QueryObservation {
    const shape = this.shapes.of(sql);
    const ctx = currentContext();
    const now = performance.now();
    let runs: PatternRuns | undefined;
    if (ctx !== undefined) {
      const issuedAt = checkoutIssuedAt();
      runs = this.recording.tracker.started(ctx, shape, this.system, issuedAt === -1 ? now : issuedAt);
    }
    return new Observation(
      this,
      shape,
      now,
      ctx,
      runs,
      this.captureValues ? values : undefined,
      this.captureCaller ? captureCallSite() : undefined,
    );
  }

  startConnect(): QueryObservation {
    return new Observation(this, this.connectShape, performance.now(), undefined, undefined, undefined, undefined);
  }

  internalError(error: unknown): void {
    this.recording.core.internalError('db', error);
  }

  finish(obs: Observation, error: unknown, rows: number | undefined): void {
    try {
      const now = performance.now();
      const ms = now - obs.startTime;
      const { shape, ctx } = obs;
      const failed = error !== undefined && error !== null;
      const errorType = failed ? this.errorType(error) : '';
      const series = failed ? this.errorSeries(shape, errorType) : (shape.okSeries ?? this.okSeries(shape));
      if (ctx !== undefined && this.recording.exemplars) {
        series.observeWithExemplar(ms / 1000, ctx.traceId, this.timeOrigin + now);
      } else {
        series.observe(ms / 1000);
      }
      if (obs.runs !== undefined) this.recording.tracker.finished(obs.runs, ms, now);
      if (ms >= this.slowMs && shape !== this.connectShape) {
        this.recording.slowQueries!.record(this.system, shape, ms, rows, errorType, ctx, obs.values, obs.callSite);
      }
    } catch (err) {
      this.internalError(err);
    }
  }

  private okSeries(shape: QueryShape): HistogramSeries {
    const duration = this.recording.duration;
    const series = duration.seriesFor([this.system, shape.operation, shape.collection, '']);
    // Overflow series are not cached, so every later use still counts as dropped.
    if (!duration.isOverflow(series)) shape.okSeries = series;
    return series;
  }

  private errorSeries(shape: QueryShape, errorType: string): HistogramSeries {
    return this.recording.duration.seriesFor([this.system, shape.operation, shape.collection, errorType]);
  }
}

export function createDurationHistogram(core: PulseCore): Histogram {
  return core.metrics.histogram(dbClientOperationDuration);
}
