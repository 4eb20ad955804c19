import { pulseDbSlowQueries } from '../catalog/db';
import type { RequestContext } from '../context/request-context';
import type { PulseCore } from '../core';
import type { PulseEvent } from '../events';
import type { Counter } from '../metrics/counter';
import type { CallSiteHolder } from './caller';
import { applicationFrame } from './caller';
import type { EventBudget } from './event-budget';
import type { DbSystem } from './hub';
import { round } from './n-plus-one';
import type { RedactParameter, SlowQueryOptions } from './options';
import type { QueryShape } from './query-shapes';

// The slow query log: each query at or above the threshold becomes one `slow_query` event with
// its pattern (never the raw SQL: literals may be personal data), duration, rows, route, trace
// id and, when enabled, the application caller and the redacted parameters.

/** Recorded parameters per event, at most (a bulk insert can bind thousands). */
const MAX_PARAMETERS = 50;

export class SlowQueryLog {
  readonly thresholdMs: number;
  readonly captureCaller: boolean;
  readonly captureParameters: boolean;
  private readonly redact: RedactParameter;
  private readonly counter: Counter;

  constructor(
    private readonly core: PulseCore,
    options: Required<SlowQueryOptions>,
    private readonly budget: EventBudget,
  ) {
    this.thresholdMs = options.thresholdMs;
    this.captureCaller = options.caller;
    this.captureParameters = options.parameters;
    this.redact = options.redactParameter;
    this.counter = core.metrics.counter(pulseDbSlowQueries);
  }

  record(
    system: DbSystem,
    shape: QueryShape,
    ms: number,
    rows: number | undefined,
    errorType: string,
    ctx: RequestContext | undefined,
    values: unknown,
    callSite: CallSiteHolder | undefined,
  ): void {
    this.counter.inc([system, shape.operation, shape.collection]);
    this.budget.emit('slow_query', () => {
      const event: PulseEvent = {
        kind: 'slow_query',
        level: 'warn',
        message: `Slow query: ${shape.operation} ${shape.collection || '(no table)'} took ${Math.round(ms)} ms`,
        db_system_name: system,
        db_operation_name: shape.operation,
        db_collection_name: shape.collection,
        db_query_text: shape.text,
        duration_ms: round(ms),
      };
      if (ctx !== undefined) {
        event.traceId = ctx.traceId;
        if (ctx.route !== undefined) event.route = ctx.route;
      }
      if (rows !== undefined) event.rows = rows;
      if (errorType !== '') event.error_type = errorType;
      if (callSite !== undefined) {
        const caller = applicationFrame(callSite);
        if (caller !== undefined) event.caller = caller;
      }
      if (this.captureParameters && values !== undefined && values !== null) {
        event.db_query_parameters = this.redactAll(values);
      }
      return event;
    });
  }

  /** Runs the redaction rule over each parameter (array or named); a rule that throws hides the value. */
  private redactAll(values: unknown): unknown {
    const one = (value: unknown, key: number | string): unknown => {
      try {
        return this.redact(value, key);
      } catch {
        return '[redaction failed]';
      }
    };
    if (Array.isArray(values)) return values.slice(0, MAX_PARAMETERS).map(one);
    if (typeof values === 'object') {
      const out: Record<string, unknown> = {};
      let count = 0;
      for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
        if (count++ >= MAX_PARAMETERS) break;
        out[key] = one(value, key);
      }
      return out;
    }
    return one(values, 0);
  }
}
