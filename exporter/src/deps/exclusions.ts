import { hostWithPort, parseHostOrUrl } from './host-patterns';

// How Pulse keeps its own traffic out of the dependency metrics:
//
// 1. Threads. diagnostics_channel is per thread: a subscriber on the main thread does not see
//    requests made in a worker thread (checked in test/deps/outgoing-http.test.ts). Pulse's Loki
//    shipper runs in a worker, so its pushes are invisible here to begin with.
// 2. Hosts. Whatever runs on the main thread is excluded by host: the Loki URL from
//    `logs.loki.url` (read at createPulse), `deps.excludeHosts`, and hosts added at run time with
//    `excludeFromDependencyTracking()` (for code that learns its endpoint later).
// 3. A marker header. Requests Pulse makes itself on the main thread (the HTTP health check)
//    carry `x-pulse-internal`; the subscribers skip them, so the host stays measured for the
//    app's own calls to it.

/** Header that marks a request as Pulse's own; its value does not matter. */
export const PULSE_INTERNAL_HEADER = 'x-pulse-internal';

const runtimeExclusions = new Set<string>();
let exclusionsVersion = 0;

/**
 * Excludes a host (`host`, `host:port`) or a URL's host and port from dependency tracking, in
 * every Pulse instance of this process.
 */
export function excludeFromDependencyTracking(hostOrUrl: string): void {
  const parsed = parseHostOrUrl(hostOrUrl);
  if (parsed === undefined) return;
  runtimeExclusions.add(parsed.port === '' ? parsed.host : hostWithPort(parsed.host, parsed.port));
  exclusionsVersion++;
}

/** Changes whenever a host is excluded at run time: callers that cache decisions compare it. */
export function runtimeExclusionsVersion(): number {
  return exclusionsVersion;
}

/** True when `host` or `host:port` was excluded at run time. */
export function isExcludedAtRuntime(host: string, port: string): boolean {
  return runtimeExclusions.size > 0 && (runtimeExclusions.has(hostWithPort(host, port)) || runtimeExclusions.has(host));
}

/** True when a fetch/undici header list (`[name, value, …]` or raw `name: value\r\n` text) has the marker. */
export function hasInternalMarker(headers: unknown): boolean {
  return hasHeader(headers, PULSE_INTERNAL_HEADER);
}

/** True when a fetch/undici header list has a header called `name` (lower case), in any case. */
export function hasHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      const key = headers[i];
      if (typeof key === 'string' && key.length === name.length) {
        if (key.toLowerCase() === name) return true;
      } else if (Buffer.isBuffer(key) && key.length === name.length) {
        if (key.toString('latin1').toLowerCase() === name) return true;
      }
    }
    return false;
  }
  // undici 5: one `name: value\r\n` line per header; a name starts the text or follows a newline.
  return typeof headers === 'string' && ('\n' + headers.toLowerCase()).includes('\n' + name + ':');
}
