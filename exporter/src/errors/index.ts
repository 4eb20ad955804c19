import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PulseCore } from '../core';
import type { CaptureContext, CaptureSource } from './capture';
import { ErrorRecorder } from './capture';
import { EventBudget } from './event-budget';
import { slowRequestHook } from './slow-requests';
import { captureUncaught } from './uncaught';

export type { CaptureContext } from './capture';

export type ErrorMiddleware = (
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/** What the errors signal adds to the Pulse object. */
export interface ErrorsApi {
  /** Add last: `app.use(pulse.errorHandler())`. Records the error, then passes it on unchanged. */
  errorHandler(): ErrorMiddleware;
  /** Records an error the app handled itself (a caught exception, a failed background job). Never throws. */
  captureException(err: unknown, context?: CaptureContext): void;
}

/**
 * Creates the errors signal: `pulse_errors_total`, error events (classified, fingerprinted,
 * redacted), slow-request events, and opt-in uncaught-exception capture.
 */
export function createErrorsSignal(core: PulseCore): {
  api: ErrorsApi;
  /** For framework adapters (Koa's `error` event): records with the adapter's origin. Never throws. */
  record(err: unknown, source: CaptureSource): void;
} {
  const options = core.options.errors;
  const budget = new EventBudget(options.maxEventsPerSecond);
  const recorder = new ErrorRecorder(core, options, budget);

  if (options.slowRequestSeconds !== false) {
    core.onRequestEnd(slowRequestHook(core, options.slowRequestSeconds, options.slowRequestQueries, budget));
  }
  if (options.captureUncaught) core.onShutdown(captureUncaught(core, recorder));

  return {
    record: (err, source) => recorder.record(err, source),
    api: {
      errorHandler() {
        return function pulseErrorHandler(err, req, _res, next) {
          recorder.record(err, { origin: 'express', request: req });
          next(err);
        };
      },
      captureException(err, context) {
        recorder.record(err, { ...context, origin: 'captureException' });
      },
    },
  };
}
