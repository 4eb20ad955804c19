// One parser for V8 stack frame lines, shared by error events (errors/stack.ts) and the slow-query
// caller (db/caller.ts). Stacks can carry attacker-influenced text (messages, eval'd code, file
// names), so parsing uses only indexOf/lastIndexOf and character scans: linear in the line, no
// regular expression. Shapes V8 prints (src/objects/call-site-info.cc, SerializeJSStackFrame):
//
//   at fn (file:L:C)                 at file:L:C                  at new Foo (file:L:C)
//   at async fn (file:L:C)           at async file:L:C            at Type.fn [as alias] (file:L:C)
//   at async Promise.all (index 0)   at Array.map (<anonymous>)   at <anonymous>
//   at eval (eval at fn (file:L:C), <anonymous>:L:C)   (eval origins nest: eval at f (eval at g (…)))
//
// `file` is a path, a `node:` module, or a URL: `file://` (ESM) is decoded to a path, with its
// `?query`/`#hash` (cache busting) dropped; `--enable-source-maps` prints the original source's
// path in the same shapes.

export interface V8Frame {
  /** Function as printed, without `async ` and `new `: `loadUser`, `Layer.handle [as handle_request]`; '' when none. */
  fn: string;
  async: boolean;
  /** `at new Foo (…)`. */
  construct: boolean;
  /** Inside eval'd code: file, line and column are those of the eval call. */
  eval: boolean;
  /** Source file (a path, `node:…`, or a URL other than `file://`); '' for native code and `<anonymous>`. */
  file: string;
  line: number | undefined;
  column: number | undefined;
  /** The location as printed (inside the parentheses, if any): `<anonymous>`, `index 0`, `file:///a.mjs:1:2`. */
  location: string;
}

/** Frame lines longer than this are not parsed (V8's own are far shorter: a path plus a name). */
export const MAX_FRAME_LINE = 2048;

const EVAL_AT = 'eval at ';

/** Parses one line of `err.stack`; undefined when it is not a V8 frame line. */
export function parseFrameLine(text: string): V8Frame | undefined {
  if (text.length > MAX_FRAME_LINE) return undefined;
  let start = 0;
  while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++;
  let end = text.length;
  if (text[end - 1] === '\r') end--;
  if (!text.startsWith('at ', start)) return undefined;
  start += 3;
  const frame: V8Frame = {
    fn: '',
    async: false,
    construct: false,
    eval: false,
    file: '',
    line: undefined,
    column: undefined,
    location: '',
  };
  if (text.startsWith('async ', start)) {
    frame.async = true;
    start += 6;
  }
  if (end <= start) return undefined;
  let location: string;
  const open = text.indexOf(' (', start);
  if (text[end - 1] === ')' && open !== -1 && open < end) {
    // `fn (location)`: the function comes first, so the first ` (` ends it even when the path has one.
    frame.fn = text.slice(start, open);
    location = text.slice(open + 2, end - 1);
    if (frame.fn.startsWith('new ')) {
      frame.construct = true;
      frame.fn = frame.fn.slice(4);
    }
  } else {
    location = text.slice(start, end);
  }
  frame.location = location;
  readLocation(location, frame);
  return frame;
}

function readLocation(location: string, frame: V8Frame): void {
  // Native code and builtins: `(<anonymous>)`, `(native)`, `Promise.all (index 0)`.
  if (location === '<anonymous>' || location === 'native' || location === 'unknown location') return;
  if (location.startsWith('index ')) return;
  let from = 0;
  let to = location.length;
  if (location.startsWith(EVAL_AT)) {
    // `eval at f (ORIGIN), <anonymous>:L:C`, ORIGIN being `file:L:C` or another `eval at g (…)`.
    frame.eval = true;
    const comma = location.lastIndexOf(', ');
    if (comma !== -1) to = comma;
    while (location.startsWith(EVAL_AT, from)) {
      const open = location.indexOf(' (', from + EVAL_AT.length);
      if (open === -1 || open >= to || location[to - 1] !== ')') return;
      from = open + 2;
      to--;
    }
    if (location.startsWith('unknown source', from)) return;
  }
  const { file, line, column } = splitPosition(location, from, to);
  frame.file = file.startsWith('file://') ? fileUrlToPath(file) : file;
  frame.line = line;
  frame.column = column;
}

/** `file:L:C` or `file:L` → parts (a path may itself contain `:`, as `C:\…` does). */
function splitPosition(text: string, from: number, to: number): { file: string; line?: number; column?: number } {
  const numbers: number[] = [];
  let end = to;
  while (numbers.length < 2) {
    let i = end;
    while (i > from && text.charCodeAt(i - 1) >= 48 && text.charCodeAt(i - 1) <= 57) i--;
    if (i === end || i - 1 <= from || text[i - 1] !== ':' || end - i > 9) break;
    numbers.unshift(Number(text.slice(i, end)));
    end = i - 1;
  }
  const file = text.slice(from, end);
  if (numbers.length === 2) return { file, line: numbers[0], column: numbers[1] };
  if (numbers.length === 1) return { file, line: numbers[0] };
  return { file };
}

/**
 * `file:///srv/app/a.mjs?v=2` → `/srv/app/a.mjs`; `file:///C:/app/a.mjs` → `C:\app\a.mjs` and
 * `file://server/share/a.js` → `\\server\share\a.js`, whatever platform this runs on
 * (url.fileURLToPath follows the host's), so a Windows stack reads the same everywhere.
 */
export function fileUrlToPath(url: string): string {
  let end = url.length;
  const query = url.indexOf('?');
  if (query !== -1) end = query;
  const hash = url.indexOf('#');
  if (hash !== -1 && hash < end) end = hash;
  let path = url.slice('file://'.length, end);
  try {
    path = decodeURIComponent(path);
  } catch {
    // Malformed escapes: keep as printed.
  }
  if (!path.startsWith('/')) return '\\\\' + path.replaceAll('/', '\\');
  const drive = path.length >= 3 && isLetter(path.charCodeAt(1)) && path[2] === ':';
  return drive ? path.slice(1).replaceAll('/', '\\') : path;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export interface FrameLines {
  /** The frame lines' text, in order, each without its line break. */
  lines: string[];
  /** Lines past `maxLines` or past the scanned window were left unread. */
  cut: boolean;
}

/**
 * The lines of `stack` from `start`, at most `maxLines`, reading at most `maxChars` characters: a
 * megabyte of stack costs no more than its first `maxChars`.
 */
export function stackLines(stack: string, start: number, maxLines: number, maxChars: number): FrameLines {
  const window = stack.slice(start, start + maxChars);
  const lines: string[] = [];
  let at = 0;
  while (at < window.length && lines.length < maxLines) {
    let nl = window.indexOf('\n', at);
    if (nl === -1) nl = window.length;
    if (nl - at <= MAX_FRAME_LINE) lines.push(window.slice(at, nl));
    at = nl + 1;
  }
  return { lines, cut: start + at < stack.length };
}
