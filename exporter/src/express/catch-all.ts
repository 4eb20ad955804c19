// A catch-all route (`app.all('*', notFound)`, Express 5's `*path` or `{*path}`, and the one
// NestJS adds under a global prefix for its 404s) matches whatever no other route did. When it
// answers 404, nothing handled the request: it is counted as unmatched, not as a route that
// would collect every scanner's path. When it answers otherwise (an SPA's index.html) it keeps
// its template. Only route paths the developer registered are read here, never request data.

/** A parameter name as path-to-regexp reads it (letters, digits, `_`, `$`). */
function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36
  );
}

function isName(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isNameChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Whether a route's own path (not its mounts) is a bare wildcard: `*`, `(.*)`, `*name`,
 * `{*name}`, each with or without a leading `/`.
 */
export function isCatchAllPath(path: string): boolean {
  const p = path.startsWith('/') ? path.slice(1) : path;
  if (p === '*' || p === '(.*)') return true;
  if (p.startsWith('*')) return isName(p, 1, p.length);
  if (p.startsWith('{*') && p.endsWith('}')) return isName(p, 2, p.length - 1);
  return false;
}
