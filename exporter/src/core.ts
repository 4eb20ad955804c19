import type { RequestContext } from './context/request-context';
import type { InternalErrorSignal } from './catalog/pulse';
import type { ResolvedOptions } from './config/options';
import type { EventSink } from './events';
import type { MetricRegistry } from './metrics/registry';

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A GET endpoint Pulse serves (metrics, health): plain node:http, so it works with or without Express. */
export type EndpointHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * How a request ended, as the HTTP signal labelled it. One object is reused for every request:
 * read it during the hook call, never keep it.
 */
export interface RequestEnd {
  method: string;
  route: string;
  /** '' when the client left before headers were sent. */
  statusCode: string;
  errorType: string;
  durationSeconds: number;
  aborted: boolean;
}

/**
 * What every signal (http, db, runtime, deps, health, errors) is given at creation. Signals
 * register their metrics from the catalog on `metrics`, send events to `events`, and report
 * their own failures through `internalError` rather than throwing into the host app.
 */
export interface PulseCore {
  readonly options: ResolvedOptions;
  readonly metrics: MetricRegistry;
  events: EventSink;
  /** Counts a failure inside Pulse (`pulse_internal_errors_total{signal}`); never throws. */
  internalError(signal: InternalErrorSignal, error: unknown): void;
  /** Runs at `pulse.shutdown()`, in reverse order of registration. */
  onShutdown(fn: () => void | Promise<void>): void;
  /**
   * Runs when a measured request's response closes (after its metrics are recorded). Runs on the
   * request path: keep it to a few comparisons unless the request is exceptional.
   */
  onRequestEnd(fn: (ctx: RequestContext, end: RequestEnd) => void): void;
  /** Adds a GET endpoint that `pulse.mount(app)` serves; its requests are not measured. */
  addEndpoint(path: string, handler: EndpointHandler): void;
}
