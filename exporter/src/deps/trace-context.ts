import type { ClientRequest } from 'node:http';
import dc from 'node:diagnostics_channel';
import { otelPropagatesTraceparent } from '../context/otel';
import { outgoingTraceparent } from '../context/traceparent';
import { hasHeader, hasInternalMarker, PULSE_INTERNAL_HEADER } from './exclusions';
import { compileHostPatterns, defaultPort, hostWithPort, parseHostOrUrl, splitHostHeader } from './host-patterns';
import { addClientRequestInjector, hasClientRequestCreatedChannel } from './http-request-patch';
import { kPulseListener, subscribeAll } from './subscribe';
import { parseUndiciOrigin } from './undici';

// W3C trace context out: outgoing node:http(s) and fetch/undici calls made on behalf of a request
// carry `traceparent`, so a downstream service continues the trace (docs/dependencies.md).
//
// Never a second header: a request that already has a `traceparent` (set by the app, or by a
// tracer that ran first) keeps it. A tracer that runs after Pulse: OpenTelemetry's http
// instrumentation sets the same `traceparent` key in node:http's header map (one header, its
// own); undici's addHeader appends, so when an OpenTelemetry SDK propagates `traceparent` and
// another listener than Pulse's is on `undici:request:create` (its undici instrumentation),
// Pulse leaves fetch calls to it.

const TRACEPARENT = 'traceparent';
const undiciCreate = dc.channel('undici:request:create');

interface UndiciRequest {
  origin?: unknown;
  headers?: unknown;
  addHeader?: (name: string, value: string) => unknown;
}

/** Starts adding `traceparent` to outgoing calls; returns the function that stops. */
export function propagateTraceContext(
  excludeHosts: readonly string[],
  lokiUrls: readonly string[],
  onError: (err: unknown) => void,
): () => void {
  const excludedPatterns: [string, true][] = excludeHosts.map((h) => [h, true]);
  for (const url of lokiUrls) {
    const parsed = parseHostOrUrl(url);
    if (parsed !== undefined)
      excludedPatterns.push([parsed.port === '' ? parsed.host : hostWithPort(parsed.host, parsed.port), true]);
  }
  const matchExcluded = compileHostPatterns(excludedPatterns);
  const excluded = (protocol: string, host: string, port: string): boolean =>
    matchExcluded(host, port === '' ? defaultPort(protocol) : port) === true;

  const injectIntoClientRequest = (request: ClientRequest): void => {
    try {
      // Headers already fixed (an array of headers, an Expect header): nothing can be added.
      if (request.headersSent || request.getHeader(TRACEPARENT) !== undefined) return;
      if (request.getHeader(PULSE_INTERNAL_HEADER) !== undefined) return;
      const hostHeader = request.getHeader('host');
      const port = typeof hostHeader === 'string' ? splitHostHeader(hostHeader).port : '';
      if (excluded(request.protocol, request.host, port)) return;
      const traceparent = outgoingTraceparent();
      if (traceparent !== undefined) request.setHeader(TRACEPARENT, traceparent);
    } catch (err) {
      onError(err);
    }
  };

  const stopHttp = hasClientRequestCreatedChannel()
    ? subscribeAll({
        'http.client.request.created'(message) {
          injectIntoClientRequest((message as { request: ClientRequest }).request);
        },
      })
    : addClientRequestInjector(injectIntoClientRequest);

  const stopUndici = subscribeAll({
    'undici:request:create'(message) {
      try {
        const request = (message as { request: UndiciRequest }).request;
        if (hasHeader(request.headers, TRACEPARENT) || hasInternalMarker(request.headers)) return;
        if (anotherTracerOnUndici()) return;
        const where = parseUndiciOrigin(request.origin);
        if (where === undefined || excluded(where.protocol, where.host, where.port)) return;
        const traceparent = outgoingTraceparent();
        if (traceparent !== undefined) addUndiciHeader(request, TRACEPARENT, traceparent);
      } catch (err) {
        onError(err);
      }
    },
  });

  return () => {
    stopHttp();
    stopUndici();
  };
}

/** True when an OpenTelemetry SDK propagates `traceparent` and another listener may inject it into fetch. */
function anotherTracerOnUndici(): boolean {
  if (!otelPropagatesTraceparent()) return false;
  // Node keeps a channel's listeners in `_subscribers` (20, 22, 24); if that changes, assume one.
  const listeners = (undiciCreate as unknown as { _subscribers?: unknown })._subscribers;
  if (!Array.isArray(listeners)) return true;
  return listeners.some((fn) => (fn as Record<symbol, unknown>)[kPulseListener] !== true);
}

function addUndiciHeader(request: UndiciRequest, name: string, value: string): void {
  if (typeof request.addHeader === 'function') request.addHeader(name, value);
  else if (Array.isArray(request.headers)) request.headers.push(name, value);
  else if (typeof request.headers === 'string') request.headers += `${name}: ${value}\r\n`;
}
