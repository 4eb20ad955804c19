import { classifyError } from './classify-error';
import { hasInternalMarker } from './exclusions';
import { InFlightCalls } from './in-flight-calls';
import type { DependencyRecorder } from './recorder';
import { subscribeAll } from './subscribe';

// fetch (Node's bundled undici) and the npm `undici` package: both publish the same global channel
// names, so one subscriber per channel sees every request of either copy exactly once. fetch does
// not go through node:http, so no request is counted by both subscribers.

/** The fields of undici's internal Request that Pulse reads. */
interface UndiciRequest {
  origin?: unknown;
  method?: string;
  headers?: unknown;
}

export interface ParsedOrigin {
  protocol: string;
  host: string;
  port: string;
}

const MAX_PARSED_ORIGINS = 1000;
const parsed = new Map<string, ParsedOrigin>();

/** The protocol, host (no brackets) and port ('' for the default) of an undici request's origin. */
export function parseUndiciOrigin(origin: unknown): ParsedOrigin | undefined {
  const text = typeof origin === 'string' ? origin : (origin as { origin?: unknown } | undefined)?.origin;
  if (typeof text !== 'string') return undefined;
  let found = parsed.get(text);
  if (found === undefined) {
    const url = new URL(text);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    found = { protocol: url.protocol, host, port: url.port };
    if (parsed.size < MAX_PARSED_ORIGINS) parsed.set(text, found);
  }
  return found;
}

/** Starts measuring fetch/undici requests; returns the function that stops. */
export function measureUndici(recorder: DependencyRecorder, onError: (err: unknown) => void): () => void {
  const calls = new InFlightCalls<object>(recorder);

  return subscribeAll({
    'undici:request:create'(message) {
      try {
        const request = (message as { request: UndiciRequest }).request;
        if (hasInternalMarker(request.headers)) return;
        const where = parseUndiciOrigin(request.origin);
        if (where === undefined) return;
        const origin = recorder.origin(where.protocol, where.host, where.port);
        if (origin.excluded) return;
        calls.start(request, origin, request.method);
      } catch (err) {
        onError(err);
      }
    },
    // Response headers: what `await fetch()` waits for. A body error after it is not counted again.
    'undici:request:headers'(message) {
      try {
        const { request, response } = message as { request: object; response: { statusCode?: number } };
        calls.finishWithStatus(request, response.statusCode);
      } catch (err) {
        onError(err);
      }
    },
    'undici:request:error'(message) {
      try {
        const { request, error } = message as { request: object; error: unknown };
        if (calls.get(request) !== undefined) calls.finish(request, '', classifyError(error));
      } catch (err) {
        onError(err);
      }
    },
  });
}
