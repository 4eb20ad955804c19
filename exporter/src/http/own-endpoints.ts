// Pulse's own endpoints (/metrics, /health…) as Express matches them by default: case-insensitive
// ("case sensitive routing" off) and with or without a trailing slash ("strict routing" off). So
// `/METRICS` and `/Health/` are served and excluded from the app's traffic exactly like `/metrics`.

/** Returns the endpoint path a request URL names (as registered), or undefined. O(1) for other URLs. */
export function ownEndpointMatcher(paths: readonly string[]): (url: string) => string | undefined {
  const byLowerCase = new Map<string, string>();
  for (const path of paths) byLowerCase.set(stripTrailingSlash(path.toLowerCase()), path);
  let maxLength = 0;
  // The character after the leading slash, lower-cased, of every endpoint path: an app URL whose
  // second character is none of them is answered without slicing or lower-casing it. (Express's
  // case-insensitive routing folds ASCII letters only, so neither does this.) Off for a path of
  // one character ("/"), which has no second one.
  let secondChars: Uint8Array | undefined = new Uint8Array(128);
  for (const key of byLowerCase.keys()) {
    maxLength = Math.max(maxLength, key.length);
    const c = key.charCodeAt(1);
    if (key.length < 2 || c >= 128) secondChars = undefined;
    else if (secondChars !== undefined) secondChars[c] = 1;
  }
  return (url) => {
    if (secondChars !== undefined) {
      const c = url.charCodeAt(1);
      if (!(secondChars[c >= 65 && c <= 90 ? c + 32 : c] === 1)) return undefined;
    }
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
