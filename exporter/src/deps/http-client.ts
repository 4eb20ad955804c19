import type { ClientRequest, IncomingMessage } from 'node:http';
import { classifyError } from './classify-error';
import { PULSE_INTERNAL_HEADER } from './exclusions';
import { splitHostHeader } from './host-patterns';
import { InFlightCalls } from './in-flight-calls';
import type { DependencyRecorder } from './recorder';
import { subscribeAll } from './subscribe';

// node:http / node:https client requests (and everything built on them: axios, got, SDKs), via
// the channels Node publishes (Node ≥ 20 publishes all three; fetch does not go through them).

/** Starts measuring node:http client requests; returns the function that stops. */
export function measureHttpClient(recorder: DependencyRecorder, onError: (err: unknown) => void): () => void {
  const calls = new InFlightCalls<ClientRequest>(recorder);

  // A request's 'timeout' only tells; the user's handler destroys it with whatever error it likes,
  // so the class comes from here. One shared function: no closure per request.
  function markTimedOut(this: ClientRequest): void {
    const call = calls.get(this);
    if (call !== undefined) call.timedOut = true;
  }

  function finished(request: ClientRequest, recorded: boolean): void {
    if (recorded) request.removeListener('timeout', markTimedOut);
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
        calls.start(request, origin, request.method);
        request.on('timeout', markTimedOut);
      } catch (err) {
        onError(err);
      }
    },
    // Published when the response headers arrive, before the 'response' event.
    'http.client.response.finish'(message) {
      try {
        const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
        finished(request, calls.finishWithStatus(request, response.statusCode));
      } catch (err) {
        onError(err);
      }
    },
    'http.client.request.error'(message) {
      try {
        const { request, error } = message as { request: ClientRequest; error: unknown };
        const call = calls.get(request);
        if (call !== undefined) finished(request, calls.finish(request, '', classifyError(error, call.timedOut)));
      } catch (err) {
        onError(err);
      }
    },
  });
}
