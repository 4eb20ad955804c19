// Host patterns as users write them in `deps.names` and `deps.excludeHosts`: `host`, `host:port`
// or `*.domain` (any subdomain of domain, not domain itself). Compiled once into map lookups.

export type HostMatcher<V> = (host: string, port: string) => V | undefined;

/** Compiles `[pattern, value]` pairs; `host:port` beats `host`, which beats the longest `*.suffix`. */
export function compileHostPatterns<V>(entries: Iterable<readonly [string, V]>): HostMatcher<V> {
  const exact = new Map<string, V>();
  const suffixes: [string, V][] = [];
  for (const [rawPattern, value] of entries) {
    const pattern = rawPattern.toLowerCase();
    if (pattern.startsWith('*.')) suffixes.push([pattern.slice(1), value]);
    else exact.set(stripBrackets(pattern), value); // `[::1]` alone is looked up as `::1`
  }
  suffixes.sort((a, b) => b[0].length - a[0].length);
  if (exact.size === 0 && suffixes.length === 0) return () => undefined;
  return (host, port) => {
    const h = host.toLowerCase();
    const found = exact.get(hostWithPort(h, port)) ?? exact.get(h);
    if (found !== undefined) return found;
    for (const [suffix, value] of suffixes) if (h.endsWith(suffix)) return value;
    return undefined;
  };
}

/** `host:port`, bracketing IPv6 addresses as URLs do. */
export function hostWithPort(host: string, port: string): string {
  return (host.includes(':') ? `[${host}]` : host) + ':' + port;
}

/** Splits `host`, `host:port`, `[v6]:port` or a URL into host (no brackets) and port ('' if none). */
export function parseHostOrUrl(value: string): { host: string; port: string } | undefined {
  if (value.includes('://')) {
    try {
      const url = new URL(value);
      return { host: stripBrackets(url.hostname.toLowerCase()), port: url.port || defaultPort(url.protocol) };
    } catch {
      return undefined;
    }
  }
  return splitHostHeader(value.toLowerCase());
}

/** Splits a Host header value; port is '' when absent. */
export function splitHostHeader(value: string): { host: string; port: string } {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    const port = value[end + 1] === ':' ? value.slice(end + 2) : '';
    return { host: value.slice(1, end), port };
  }
  const colon = value.lastIndexOf(':');
  // A bare IPv6 address (several colons, no brackets) has no port.
  if (colon === -1 || value.indexOf(':') !== colon) return { host: value, port: '' };
  return { host: value.slice(0, colon), port: value.slice(colon + 1) };
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function defaultPort(protocol: string): string {
  return protocol === 'https:' || protocol === 'wss:' ? '443' : '80';
}
