import type { IncomingMessage } from 'node:http';
import { pulseErrors } from '../catalog/errors';
import { HTTP_UNMATCHED_ROUTE } from '../catalog/http';
import { LOG_METADATA, pulseLogEvents, pulseLogEventsTruncated } from '../catalog/logs';
import type { RequestContext } from '../context/request-context';
import { currentContext } from '../context/request-context';
import type { PulseCore } from '../core';
import type { PulseEvent } from '../events';
import { redactText, redactValue } from '../redaction';
import type { CounterSeries } from '../metrics/counter';
import { errorTypeOf, statusOf } from './classify';
import type { EventBudget } from './event-budget';
import { fingerprint } from './fingerprint';
import type { ResolvedErrorsOptions } from './options';
import type { RequestRecorder } from './request-recorder';
import { compileRequestRecorder } from './request-recorder';
import { trimStack } from './stack';

// Turns a thrown value into an `error` event (classified, fingerprinted, redacted) and a count
// in `pulse_errors_total{error_type, http_route}`. Never throws: a failure here is Pulse's
// problem, counted as an internal error, and the app's error goes on its way regardless.

export type ErrorOrigin = 'express' | 'koa' | 'fastify' | 'captureException' | 'uncaughtException' | 'unhandledRejection';

/** Errors a framework's error path handed over: the app answered them (500 unless they say otherwise). */
const FRAMEWORK_ORIGINS: ReadonlySet<ErrorOrigin> = new Set(['express', 'koa', 'fastify']);

export interface CaptureContext {
  /** The request, for its (redacted) URL and headers. */
  request?: IncomingMessage;
  /** HTTP status this error answered with, when the error itself does not say (`err.status`). */
  status?: number;
  /** Route template, when not inside a request Pulse measured. */
  route?: string;
  /** Extra data shipped with the event (bounded like custom event metadata). */
  metadata?: Record<string, unknown>;
  /** Short values to filter on in Loki (`tag_<name>` structured metadata). */
  tags?: Record<string, string | number | boolean>;
}

export interface CaptureSource extends CaptureContext {
  origin: ErrorOrigin;
  /** The request context, when the caller has it (else the current one). */
  context?: RequestContext;
}

const MAX_MESSAGE = 2048;
/** A trimmed stack is a few dozen short frames; a message spread over many lines is cut here. */
const MAX_STACK = 16 * 1024;

function describeThrown(err: unknown): {
  errorClass: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
} {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err && 'stack' in err)) {
    const e = err as Error & { code?: unknown };
    const errorClass = typeof e.name === 'string' && e.name !== 'Error' ? e.name : (e.constructor?.name ?? 'Error');
    return {
      errorClass,
      message: typeof e.message === 'string' ? e.message : String(e.message),
      stack: typeof e.stack === 'string' ? e.stack : undefined,
      code: typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : undefined,
    };
  }
  // `throw 'oops'`, `reject(404)`: no class, no stack.
  let message: string;
  try {
    message = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    message = String(err);
  }
  return { errorClass: `non-error ${err === null ? 'null' : typeof err}`, message, stack: undefined, code: undefined };
}

export class ErrorRecorder {
  private readonly counter;
  private readonly series = new Map<string, CounterSeries>();
  private readonly throttled: CounterSeries;
  private readonly truncated: CounterSeries;
  private readonly recordRequest: RequestRecorder;

  constructor(
    private readonly core: PulseCore,
    private readonly options: ResolvedErrorsOptions,
    private readonly budget: EventBudget,
  ) {
    this.counter = core.metrics.counter(pulseErrors);
    this.throttled = core.metrics.counter(pulseLogEvents).seriesFor(['dropped', 'throttled']);
    this.truncated = core.metrics.counter(pulseLogEventsTruncated).seriesFor(['error']);
    this.recordRequest = compileRequestRecorder(options.request);
  }

  record(err: unknown, source: CaptureSource): void {
    try {
      this.recordUnsafe(err, source);
    } catch (internal) {
      this.core.internalError('errors', internal);
    }
  }

  private recordUnsafe(err: unknown, source: CaptureSource): void {
    const ctx = source.context ?? currentContext();
    const status =
      source.status ?? statusOf(err) ?? (FRAMEWORK_ORIGINS.has(source.origin) ? 500 : undefined);
    const errorType = errorTypeOf(err, status);
    const route = source.route ?? ctx?.route ?? (ctx !== undefined ? HTTP_UNMATCHED_ROUTE : '');
    this.count(errorType, route);
    if (!this.budget.take()) {
      this.throttled.inc();
      return;
    }

    const { secretPattern } = this.options.request;
    const thrown = describeThrown(err);
    // Cut, then mask: a driver error echoing a 90 KB value costs what a 2 KB one does.
    const message = redactText(thrown.message, MAX_MESSAGE, secretPattern);
    const stack = trimStack(
      `${thrown.errorClass}: ${message.value}`,
      thrown.stack,
      this.options.appRoot,
      this.options.stackFrames,
      thrown.message,
    );
    let truncated = message.truncated || stack.truncated;

    const event: PulseEvent = {
      kind: 'error',
      level: 'error',
      message: message.value,
      [LOG_METADATA.errorType]: errorType,
      [LOG_METADATA.fingerprint]: fingerprint(thrown.errorClass, thrown.message, stack.throwSite),
      error_class: thrown.errorClass,
      origin: source.origin,
      handled: FRAMEWORK_ORIGINS.has(source.origin) || source.origin === 'captureException',
    };
    if (ctx !== undefined) event.traceId = ctx.traceId;
    if (route !== '') event.route = route;
    if (ctx !== undefined) event[LOG_METADATA.method] = ctx.method;
    if (status !== undefined) event[LOG_METADATA.status] = String(status);
    if (thrown.code !== undefined) event.error_code = thrown.code;
    // The header line is the masked message; the whole text is masked again because a message
    // V8 spread over several lines can reach the frames' part of the stack.
    event.stack = redactText(stack.text, MAX_STACK, secretPattern).value;
    const cause = (err as { cause?: unknown } | null)?.cause;
    if (cause !== undefined) {
      const c = describeThrown(cause);
      event.cause = redactText(`${c.errorClass}: ${c.message}`, MAX_MESSAGE, secretPattern).value;
    }
    if (source.request !== undefined) {
      const recorded = this.recordRequest(source.request);
      event.request = recorded.request;
      truncated ||= recorded.truncated;
    }
    if (source.metadata !== undefined) {
      const m = redactValue(source.metadata, undefined, secretPattern);
      event.metadata = m.value;
      truncated ||= m.truncated;
    }
    if (source.tags !== undefined)
      event.tags = redactValue(
        source.tags,
        { maxBytes: 4096, maxDepth: 1, maxKeys: 20, maxString: 256 },
        secretPattern,
      ).value;
    if (truncated) {
      event.truncated = true;
      this.truncated.inc();
    }
    this.core.events.emit(event);
  }

  private count(errorType: string, route: string): void {
    const key = errorType + '\u0000' + route;
    let s = this.series.get(key);
    if (s === undefined) {
      s = this.counter.seriesFor([errorType, route]);
      if (this.counter.isOverflow(s)) {
        s.inc();
        return;
      }
      this.series.set(key, s);
    }
    s.inc();
  }
}
