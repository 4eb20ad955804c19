import type { ClientRequest, IncomingMessage } from 'node:http';
import { currentContext } from '../context/request-context';
import { normaliseMethod } from '../http/methods';
import { classifyError } from './classify-error';
import { PULSE_INTERNAL_HEADER } from './exclusions';
import { splitHostHeader } from './host-patterns';
import type { DependencyRecorder, Origin } from './recorder';
import { subscribeAll } from './subscribe';

// node:http / node:https client requests (and everything built on them: axios, got, SDKs), via
// the channels Node publishes (Node ≥ 20 publishes all three; fetch does not go through them).

interface CallState {
  readonly origin: Origin;
  readonly method: string;
  readonly start: number;
  readonly traceId: string | undefined;
  timedOut: boolean;
}

/** Starts measuring node:http client requests; returns the function that stops. */
export function measureHttpClient(recorder: DependencyRecorder, onError: (err: unknown) => void): () => void {
  // Keyed by the ClientRequest: an entry lives exactly as long as the request object does.
  const calls = new WeakMap<ClientRequest, CallState>();

  // A request's 'timeout' only tells; the user's handler destroys it with whatever error it likes,
  // so the class comes from here. One shared function: no closure per request.
  function markTimedOut(this: ClientRequest): void {
    const call = calls.get(this);
    if (call !== undefined) call.timedOut = true;
  }

  function finish(request: ClientRequest, status: string, errorType: string): void {
    const call = calls.get(request);
    if (call === undefined) return; // not ours, excluded, or already recorded (an error after the response)
    calls.delete(request);
    request.removeListener('timeout', markTimedOut);
    recorder.recordHttp(
      call.origin,
      call.method,
      status,
      errorType,
      (performance.now() - call.start) / 1000,
      call.traceId,
    );
  }

  return subscribeAll({
    'http.client.request.start'(message) {
      try {
        const request = (message as { request: ClientRequest }).request;
        if (request.getHeader(PULSE_INTERNAL_HEADER) !== undefined) return;
        const hostHeader = request.getHeader('host');
        const port = typeof hostHeader === 'string' ? splitHostHeader(hostHeader).port : '';
        const origin = recorder.origin(request.protocol, request.host, port);
        if (origin.excluded) return;
        calls.set(request, {
          origin,
          method: normaliseMethod(request.method),
          start: performance.now(),
          traceId: currentContext()?.traceId,
          timedOut: false,
        });
        request.on('timeout', markTimedOut);
      } catch (err) {
        onError(err);
      }
    },
    // Published when the response headers arrive, before the 'response' event.
    'http.client.response.finish'(message) {
      try {
        const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
        const statusCode = response.statusCode ?? 0;
        const status = statusCode === 0 ? '' : String(statusCode);
        finish(request, status, statusCode >= 500 ? status : '');
      } catch (err) {
        onError(err);
      }
    },
    'http.client.request.error'(message) {
      try {
        const { request, error } = message as { request: ClientRequest; error: unknown };
        const call = calls.get(request);
        if (call !== undefined) finish(request, '', classifyError(error, call.timedOut));
      } catch (err) {
        onError(err);
      }
    },
  });
}
