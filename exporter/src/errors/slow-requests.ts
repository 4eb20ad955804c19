import { LOG_METADATA, pulseLogEvents } from '../catalog/logs';
import type { RequestContext } from '../context/request-context';
import type { PulseCore, RequestEnd } from '../core';
import type { RequestQueries } from '../db/n-plus-one';
import { redactText } from '../redaction';
import type { EventBudget } from './event-budget';

// Requests over the threshold become `slow_request` events, with the slowest query patterns of
// the request when the db signal tracked them (`ctx.signals.db`). The hook runs at the end of
// every request: the common case is one comparison.

export interface SlowQuery {
  db_system_name: string;
  db_operation_name: string;
  db_collection_name: string;
  db_query_text: string;
  count: number;
  total_duration_ms: number;
}

const MAX_QUERY_TEXT = 2048;
const MAX_ROUTE = 512;

function slowestQueries(ctx: RequestContext, limit: number): SlowQuery[] | undefined {
  const state = ctx.peekSignal('db') as RequestQueries | undefined;
  if (limit === 0 || state === undefined || !(state.patterns instanceof Map) || state.patterns.size === 0)
    return undefined;
  return [...state.patterns.values()]
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, limit)
    .map((p) => ({
      db_system_name: p.system,
      db_operation_name: p.shape.operation,
      db_collection_name: p.shape.collection,
      // Normalised SQL holds no literals; masked anyway, as every text Pulse ships is.
      db_query_text: redactText(p.shape.text, MAX_QUERY_TEXT).value,
      count: p.runs,
      total_duration_ms: Math.round(p.totalMs * 1000) / 1000,
    }));
}

export function slowRequestHook(
  core: PulseCore,
  thresholdSeconds: number,
  maxQueries: number,
  budget: EventBudget,
): (ctx: RequestContext, end: RequestEnd) => void {
  const throttled = core.metrics.counter(pulseLogEvents).seriesFor(['dropped', 'throttled']);
  return (ctx, end) => {
    if (end.durationSeconds < thresholdSeconds) return;
    if (!budget.take()) {
      throttled.inc();
      return;
    }
    const seconds = Math.round(end.durationSeconds * 1e6) / 1e6;
    const queries = slowestQueries(ctx, maxQueries);
    const route = redactText(end.route, MAX_ROUTE).value;
    core.events.emit({
      kind: 'slow_request',
      level: 'warn',
      message: `slow request: ${end.method} ${route} took ${seconds.toFixed(3)} s`,
      traceId: ctx.traceId,
      route,
      [LOG_METADATA.method]: end.method,
      [LOG_METADATA.status]: end.statusCode,
      duration_seconds: seconds,
      threshold_seconds: thresholdSeconds,
      ...(end.aborted ? { aborted: true } : {}),
      ...(queries !== undefined ? { db_queries: queries } : {}),
    });
  };
}
