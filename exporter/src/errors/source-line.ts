import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';

// The source line of a throw site, for its fingerprint (Sentry's "context line"): the line's text
// tells apart two throw sites in one function or one file (two anonymous handlers of a router),
// and, unlike its number, stays the same when lines are inserted above it. The occurrence index
// (how many identical lines come before it in the file) tells apart identical lines.
//
// A file is read once, synchronously, when an error is first fingerprinted there: errors are
// rare, and the events budget is taken before this runs. Files over MAX_FILE_BYTES (1 MB) are not read
// (a bundle's line is its whole program anyway); files are kept in a bounded LRU cache. What
// cannot be read (a source-mapped `.ts` not deployed, `node:` modules, eval, native) answers
// undefined, and the fingerprint falls back to function and file.

export interface SourceLine {
  /** The line trimmed, whitespace runs collapsed to one space, cut to MAX_LINE_CHARS. */
  text: string;
  /** How many earlier lines of the file have the same text. */
  occurrence: number;
}

// 1 MB: read, split and scanned in a few ms (2 MB measured 30+ ms on a loaded 2-core machine).
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_LINE_CHARS = 200;
/** Files kept, and their lines' characters in all: bounds the cache's memory. */
const MAX_FILES = 256;
const MAX_CACHED_CHARS = 16 * 1024 * 1024;

interface CachedFile {
  /** The file's lines as written; undefined when the file could not be read. */
  lines: string[] | undefined;
  chars: number;
  found: Map<number, SourceLine>;
}

const files = new Map<string, CachedFile>();
let cachedChars = 0;

const isSpace = (c: number): boolean =>
  c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a);

/** Trimmed, whitespace runs collapsed, cut: one pass over words, stopping at MAX_LINE_CHARS. */
export function lineText(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length && out.length < MAX_LINE_CHARS) {
    while (i < raw.length && isSpace(raw.charCodeAt(i))) i++;
    const start = i;
    while (i < raw.length && !isSpace(raw.charCodeAt(i))) i++;
    if (start === i) break;
    out += (out === '' ? '' : ' ') + raw.slice(start, i);
  }
  return out.length > MAX_LINE_CHARS ? out.slice(0, MAX_LINE_CHARS) : out;
}

/** V8 counts lines by these terminators (`\r\n` being one); most files use `\n` alone. */
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;
const OTHER_BREAK = /[\r\u2028\u2029]/;

/** Whether `raw` has `text` as its lineText, without building it: no allocation per line. */
function hasText(raw: string, text: string): boolean {
  let i = 0;
  while (i < raw.length && isSpace(raw.charCodeAt(i))) i++;
  let j = 0;
  while (i < raw.length && j < text.length) {
    if (isSpace(raw.charCodeAt(i))) {
      while (i < raw.length && isSpace(raw.charCodeAt(i))) i++;
      if (i === raw.length) break;
      if (text.charCodeAt(j) !== 32) return false;
      j++;
      continue;
    }
    if (raw.charCodeAt(i) !== text.charCodeAt(j)) return false;
    i++;
    j++;
  }
  if (j < text.length) return false;
  // All of text matched: the same if text was cut there, or if only whitespace is left of raw.
  if (text.length >= MAX_LINE_CHARS) return true;
  while (i < raw.length && isSpace(raw.charCodeAt(i))) i++;
  return i === raw.length;
}

function readLines(path: string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    const source = readFileSync(fd, 'utf8');
    return OTHER_BREAK.test(source) ? source.split(LINE_BREAK) : source.split('\n');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function cachedFile(path: string): CachedFile {
  const hit = files.get(path);
  if (hit !== undefined) {
    // Most recently used last: the Map's order is the eviction order.
    files.delete(path);
    files.set(path, hit);
    return hit;
  }
  const lines = readLines(path);
  const file: CachedFile = {
    lines,
    chars: lines === undefined ? 0 : lines.reduce((n, l) => n + l.length, 0),
    found: new Map(),
  };
  files.set(path, file);
  cachedChars += file.chars;
  for (const [oldest, f] of files) {
    if (files.size <= MAX_FILES && cachedChars <= MAX_CACHED_CHARS) break;
    if (oldest === path) break;
    files.delete(oldest);
    cachedChars -= f.chars;
  }
  return file;
}

/**
 * The source line at `line` (1-based, as V8 prints it) of the file at `path` (absolute, as the
 * stack names it), or undefined when the file cannot be read or has no such line.
 */
export function sourceLineAt(path: string, line: number | undefined): SourceLine | undefined {
  if (line === undefined || line < 1 || path === '' || !isAbsolute(path)) return undefined;
  const file = cachedFile(path);
  if (file.lines === undefined || line > file.lines.length) return undefined;
  let found = file.found.get(line);
  if (found === undefined) {
    const text = lineText(file.lines[line - 1]!);
    if (text === '') return undefined;
    // Only lines holding the first word can have the same text: most are skipped by a native scan.
    const space = text.indexOf(' ');
    const word = space === -1 ? text : text.slice(0, space);
    let occurrence = 0;
    for (let i = 0; i < line - 1; i++) {
      const raw = file.lines[i]!;
      if (raw.length >= text.length && raw.includes(word) && hasText(raw, text)) occurrence++;
    }
    found = { text, occurrence };
    file.found.set(line, found);
  }
  return found;
}

/** Forgets every file read (tests; a process that replaced its files in place). */
export function clearSourceLines(): void {
  files.clear();
  cachedChars = 0;
}
