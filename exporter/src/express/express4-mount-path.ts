// Express 4 layers keep no registration path, only the regular expression path-to-regexp 0.1.x
// compiled from it (and the parameter keys). For a router mounted before Pulse patched Express,
// the mount template is read back from that expression. Only developer-written paths are parsed,
// once per layer, never request data; the scan is linear and gives up on anything it does not
// recognise (the caller then uses the expression itself, which holds no request values either).

interface Key {
  name: string | number;
}

// `RegExp#source` escapes `/` outside character classes only; both spellings are accepted.
/** Capture groups path-to-regexp writes for a parameter without a custom pattern. */
const DEFAULT_CAPTURES = new Set(['([^/]+?)', '([^\\/]+?)', '([^/\\.]+?)', '([^\\/\\.]+?)']);
const BACKTRACK_CAPTURE_START = '((?:(?!\\/|';
/** What path-to-regexp appends for a trailing `*` on a parameter (`/:path*`). */
const STAR_SUFFIXES = ['((?:[/].+?)?)', '((?:[\\/].+?)?)', '((?:[/\\.].+?)?)', '((?:[\\/\\.].+?)?)'];
const MOUNT_END = '(?=\\/|$)';
const ROUTE_END = '$';
const OPTIONAL_SLASH = '\\/?';

/** Index just past the group that opens at `start` (a `(`), or -1; escapes and classes skipped. */
function groupEnd(source: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Splits on `|` outside groups and classes. */
function alternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(source.slice(from));
  return parts;
}

interface Cursor {
  key: number;
}

/** One `(?:…)` parameter group starting at `i`: its template text and end, or undefined. */
function parameterAt(body: string, i: number, keys: readonly Key[], cursor: Cursor): [string, number] | undefined {
  const close = groupEnd(body, i);
  if (close === -1) return undefined;
  let j = i + 3; // past `(?:`
  let format = '';
  let slash = '';
  if (body.startsWith('\\.', j)) {
    format = '.';
    j += 2;
  }
  if (body.startsWith('\\/', j)) {
    slash = '/';
    j += 2;
  }
  if (body[j] !== '(') return undefined;
  const captureEnd = groupEnd(body, j);
  if (captureEnd === -1 || captureEnd > close) return undefined;
  const capture = body.slice(j, captureEnd);
  j = captureEnd;
  let star = '';
  const starSuffix = STAR_SUFFIXES.find((suffix) => body.startsWith(suffix, j));
  if (starSuffix !== undefined) {
    star = '*';
    j += starSuffix.length;
  }
  if (j !== close - 1) return undefined; // something else inside the group
  const key = keys[cursor.key++];
  if (key === undefined || typeof key.name !== 'string') return undefined;
  if (star !== '') cursor.key++; // the `*` group has a key of its own
  const custom = DEFAULT_CAPTURES.has(capture) || capture.startsWith(BACKTRACK_CAPTURE_START) ? '' : capture;
  const optional = body[close] === '?' ? '?' : '';
  return [slash + format + ':' + key.name + custom + star + optional, close + optional.length];
}

function templateOfAlternative(source: string, keys: readonly Key[], cursor: Cursor): string | undefined {
  if (!source.startsWith('^')) return undefined;
  let body = source.slice(1);
  if (body.endsWith(MOUNT_END)) body = body.slice(0, -MOUNT_END.length);
  else if (body.endsWith(ROUTE_END)) body = body.slice(0, -ROUTE_END.length);
  if (body.endsWith(OPTIONAL_SLASH)) body = body.slice(0, -OPTIONAL_SLASH.length);
  let out = '';
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '\\') {
      if (i + 1 >= body.length) return undefined;
      out += body[i + 1];
      i += 2;
    } else if (body.startsWith('(?:', i)) {
      const param = parameterAt(body, i, keys, cursor);
      if (param === undefined) return undefined;
      out += param[0];
      i = param[1];
    } else if (body.startsWith('(.*)', i)) {
      cursor.key++; // `*` in a path is an unnamed parameter
      out += '*';
      i += 4;
    } else if ('()[]{}|?*+.^$'.includes(c)) {
      return undefined; // a pattern the developer wrote as a RegExp: not a path string
    } else {
      out += c;
      i++;
    }
  }
  return out === '' ? '/' : out;
}

/**
 * The path string an Express 4 layer was registered with, recovered from its compiled expression
 * (`^\/api\/(?:([^\/]+?))\/?(?=\/|$)` -> `/api/:version`); arrays come back joined with `,` as
 * `templateOf` writes them. Undefined when the expression was not compiled from a path string.
 */
export function express4PathOf(regexp: RegExp, keys: readonly Key[] = []): string | undefined {
  const cursor: Cursor = { key: 0 };
  const parts: string[] = [];
  for (const alternative of alternatives(regexp.source)) {
    const template = templateOfAlternative(alternative, keys, cursor);
    if (template === undefined) return undefined;
    parts.push(template);
  }
  return cursor.key === keys.length ? parts.join(',') : undefined;
}
