import { currentContext } from '../context/request-context';
import { normaliseMethod } from '../http/methods';
import type { DependencyRecorder, Origin } from './recorder';

// The bookkeeping both outgoing-HTTP subscribers share (node:http and undici): a call starts on
// one channel message and is recorded once, on the first of response or error.

export interface InFlightCall {
  readonly origin: Origin;
  readonly method: string;
  readonly start: number;
  readonly traceId: string | undefined;
  /** Set by node:http's 'timeout' event, which only tells: the error that follows is classed by it. */
  timedOut: boolean;
}

export class InFlightCalls<K extends object> {
  // Keyed by the library's request object: an entry lives exactly as long as the request does.
  private readonly calls = new WeakMap<K, InFlightCall>();

  constructor(private readonly recorder: DependencyRecorder) {}

  start(request: K, origin: Origin, method: string | undefined): void {
    this.calls.set(request, {
      origin,
      method: normaliseMethod(method),
      start: performance.now(),
      traceId: currentContext()?.traceId,
      timedOut: false,
    });
  }

  get(request: K): InFlightCall | undefined {
    return this.calls.get(request);
  }

  /** Records the call; false when it is not tracked (not ours, excluded, or already recorded). */
  finish(request: K, status: string, errorType: string): boolean {
    const call = this.calls.get(request);
    if (call === undefined) return false;
    this.calls.delete(request);
    this.recorder.recordHttp(
      call.origin,
      call.method,
      status,
      errorType,
      (performance.now() - call.start) / 1000,
      call.traceId,
    );
    return true;
  }

  /** Records a call that got a response: a 5xx status is its error type. */
  finishWithStatus(request: K, statusCode: number | undefined): boolean {
    const code = statusCode ?? 0;
    const status = code === 0 ? '' : String(code);
    return this.finish(request, status, code >= 500 ? status : '');
  }
}
