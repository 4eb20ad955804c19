import { activeOtelSpanContext } from './otel';
import type { RequestContext } from './request-context';
import { currentContext } from './request-context';
import { newSpanId } from './span-id';
import { traceIdFromTraceparent } from './trace-id';

// The W3C `traceparent` Pulse puts on an outgoing call: the current trace (a user's active
// OpenTelemetry span first, else the request Pulse is serving), a new parent-id per call, and
// the sampled flag as received (01 when nothing was received). Built per outgoing call only:
// the inbound path keeps nothing extra, the flag is read back from the request's own header.

/** `traceparent` for a call made now, or undefined outside any trace (startup, timers). */
export function outgoingTraceparent(): string | undefined {
  const span = activeOtelSpanContext();
  if (span !== undefined) return `00-${span.traceId}-${newSpanId()}-${(span.traceFlags & 1) === 1 ? '01' : '00'}`;
  const ctx = currentContext();
  if (ctx === undefined) return undefined;
  return `00-${ctx.traceId}-${newSpanId()}-${sampledFlagOf(ctx)}`;
}

/** The sampled flag of the `traceparent` the request came with if Pulse continued it, else 01. */
export function sampledFlagOf(ctx: RequestContext): '00' | '01' {
  const request = (ctx as { request?: { headers?: { traceparent?: unknown } } }).request;
  const header = request?.headers?.traceparent;
  // traceIdFromTraceparent reads at most 56 characters, whatever the header's length.
  if (typeof header !== 'string' || traceIdFromTraceparent(header) !== ctx.traceId) return '01';
  const flags = header.charCodeAt(54);
  // The last hex digit's low bit is the sampled flag: digits 0-9 are 48-57, a-f are 97-102.
  return ((flags <= 57 ? flags - 48 : flags - 87) & 1) === 1 ? '01' : '00';
}
