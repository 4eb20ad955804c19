// Pulse's own endpoints (/metrics, /health…) as Express matches them by default: case-insensitive
// ("case sensitive routing" off) and with or without a trailing slash ("strict routing" off). So
// `/METRICS` and `/Health/` are served and excluded from the app's traffic exactly like `/metrics`.

/** Returns the endpoint path a request URL names (as registered), or undefined. O(1) for other URLs. */
export function ownEndpointMatcher(paths: readonly string[]): (url: string) => string | undefined {
  const byLowerCase = new Map<string, string>();
  for (const path of paths) byLowerCase.set(stripTrailingSlash(path.toLowerCase()), path);
  let maxLength = 0;
  for (const key of byLowerCase.keys()) maxLength = Math.max(maxLength, key.length);
  return (url) => {
    const q = url.indexOf('?');
    let end = q === -1 ? url.length : q;
    if (end > 1 && url.charCodeAt(end - 1) === 47 /* / */) end--;
    // Only a URL as short as an endpoint path is lower-cased and looked up.
    if (end > maxLength) return undefined;
    return byLowerCase.get(url.slice(0, end).toLowerCase());
  };
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
