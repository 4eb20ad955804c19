// The variable parts of an error message, masked by hand-written scanners instead of RegExps: the
// message is text Pulse does not control (pg and mysql2 echo the offending value, apps put ids,
// emails and paths in theirs), and the RegExps this replaces rescanned it (a lookahead over every
// id-like run, `[\w.+-]+@` from every word start, unterminated quotes retried from every quote).
// Each token kind is one left-to-right scan; where an attempt fails, every later start in the
// same run would fail the same way, so the scan skips the run: O(n) per kind, whatever the text.
// The kinds run in the order the RegExps did, each over the previous one's output, which keeps
// every masked message, and so every fingerprint, exactly what it was.

/** One placeholder for every variable part: `User 42` and `User 65a1f0c2…` are the same bug. */
export const MASK = '<*>';

/** The code unit at i, -1 past either end (charCodeAt's NaN there would deoptimise the scans). */
const code = (s: string, i: number): number => (i >= 0 && i < s.length ? s.charCodeAt(i) : -1);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** RegExp `\w`: ASCII letters, digits and `_` (-1, past either end, is not). */
const isWord = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** `[A-Za-z0-9_-]`: ids, tokens and the parts of a JWT or a domain. */
const isIdChar = (c: number): boolean => isWord(c) || c === 45;
/** `[\w.+-]`: the local part of an email address. */
const isLocalPartChar = (c: number): boolean => isIdChar(c) || c === 46 || c === 43;
/** What RegExp `.` does not match. */
const isLineTerminator = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** RegExp `\b` before index i. */
const boundary = (s: string, i: number): boolean => isWord(code(s, i - 1)) !== isWord(code(s, i));

function runEnd(s: string, from: number, inRun: (c: number) => boolean): number {
  let i = from;
  while (i < s.length && inRun(code(s, i))) i++;
  return i;
}

/** Builds the masked text from the spans a scan finds, copying what lies between them. */
class Masked {
  private out = '';
  private copied = 0;
  constructor(private readonly s: string) {}
  /** Replaces [from, to) with the placeholder. */
  mask(from: number, to: number): void {
    this.out += this.s.slice(this.copied, from) + MASK;
    this.copied = to;
  }
  text(): string {
    return this.copied === 0 ? this.s : this.out + this.s.slice(this.copied);
  }
}

const UUID_DASHES = [8, 13, 18, 23];

/** `\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`, any letter case. */
function maskUuids(s: string): string {
  const m = new Masked(s);
  for (let p = 0; p + 36 <= s.length; p++) {
    if (code(s, p + 8) !== 45 || !boundary(s, p) || !boundary(s, p + 36)) continue;
    let k = 0;
    while (k < 36 && (code(s, p + k) === 45 ? UUID_DASHES.includes(k) : isHex(code(s, p + k)))) k++;
    if (k < 36) continue;
    m.mask(p, p + 36);
    p += 35;
  }
  return m.text();
}

/** `\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`: a JWT (its header is base64 `{"`). */
function maskJwts(s: string): string {
  const m = new Masked(s);
  for (let p = 0; p < s.length;) {
    if (!isIdChar(code(s, p))) {
      p++;
      continue;
    }
    const header = runEnd(s, p, isIdChar);
    // Every `eyJ` of this run whose header goes on after it ends where the run does: the first decides.
    let start = p;
    while (start + 3 < header && !(s.startsWith('eyJ', start) && boundary(s, start))) start++;
    if (start + 3 < header && code(s, header) === 46) {
      const payload = runEnd(s, header + 1, isIdChar);
      if (payload > header + 1 && code(s, payload) === 46) {
        const signature = runEnd(s, payload + 1, isIdChar);
        m.mask(start, signature);
        p = signature;
        continue;
      }
    }
    p = header;
  }
  return m.text();
}

/**
 * Where `[\w-]+(\.[\w-]+)+\b` starting at `from` ends, or -1. The labels are split by the dots
 * alone; the match ends at the last word boundary inside them (RegExp backtracking gives back
 * the trailing `-`s of `example.com-`).
 */
function domainEnd(s: string, from: number): number {
  let j = runEnd(s, from, isIdChar);
  if (j === from) return -1;
  const labels: number[] = [];
  while (code(s, j) === 46 && isIdChar(code(s, j + 1))) {
    const end = runEnd(s, j + 1, isIdChar);
    labels.push(j + 1, end);
    j = end;
  }
  for (let l = labels.length - 2; l >= 0; l -= 2) {
    for (let e = labels[l + 1]!; e > labels[l]!; e--) if (boundary(s, e)) return e;
  }
  return -1;
}

/** `\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b`, found from its `@`. */
function maskEmails(s: string): string {
  const m = new Masked(s);
  for (let p = 0, at = s.indexOf('@'); at !== -1; at = s.indexOf('@', Math.max(p, at + 1))) {
    // The local part: the run before the `@`, from its first word boundary (not before p, where the last match ended).
    let start = at;
    while (start > p && isLocalPartChar(code(s, start - 1))) start--;
    while (start < at && !boundary(s, start)) start++;
    if (start === at) continue;
    const end = domainEnd(s, at + 1);
    if (end === -1) continue;
    m.mask(start, end);
    p = end;
  }
  return m.text();
}

/**
 * Where a quoted body starting at `from` ends (after its closing quote), or -1 with the index
 * where the scan stopped: `(?:[^"\\]|\\.)*"`.
 */
function quotedEnd(s: string, from: number, quote: number): [end: number, stoppedAt: number] {
  for (let i = from; i < s.length; i++) {
    const c = code(s, i);
    if (c === quote) return [i + 1, i];
    if (c === 92) {
      if (i + 1 >= s.length || isLineTerminator(code(s, i + 1))) return [-1, i];
      i++;
    }
  }
  return [-1, s.length];
}

/**
 * `(^|[^\w])"(?:[^"\\]|\\.)*"` → `$1<*>`, for `"` or `'`. A body that found no closing quote
 * tells every later start up to where it stopped: those are openers it stepped over as `\"`,
 * so their bodies run the same course and fail too. Nothing is scanned twice.
 */
function maskQuoted(s: string, quote: number): string {
  const m = new Masked(s);
  let failedUpTo = -1;
  const bodyEnd = (from: number): number => {
    if (from <= failedUpTo) return -1;
    const [end, stoppedAt] = quotedEnd(s, from, quote);
    if (end === -1) failedUpTo = stoppedAt;
    return end;
  };
  for (let p = 0; p < s.length;) {
    let end: number;
    if (p === 0 && code(s, 0) === quote && (end = bodyEnd(1)) !== -1) {
      m.mask(0, end);
      p = end;
    } else if (!isWord(code(s, p)) && code(s, p + 1) === quote && (end = bodyEnd(p + 2)) !== -1) {
      m.mask(p + 1, end);
      p = end;
    } else {
      p++;
    }
  }
  return m.text();
}

/** `` `[^`]*` ``. */
function maskBackticked(s: string): string {
  const m = new Masked(s);
  for (let p = s.indexOf('`'); p !== -1;) {
    const q = s.indexOf('`', p + 1);
    if (q === -1) break;
    m.mask(p, q + 1);
    p = s.indexOf('`', q + 1);
  }
  return m.text();
}

/** Where `\d{1,3}(\.\d{1,3}){3}(:\d+)?\b` starting at p ends, or -1. */
function ipv4End(s: string, p: number): number {
  let i = p;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (code(s, i) !== 46) return -1;
      i++;
    }
    const start = i;
    while (i - start < 4 && isDigit(code(s, i))) i++;
    if (i === start || i - start > 3) return -1;
  }
  if (code(s, i) === 58 && isDigit(code(s, i + 1))) {
    const port = runEnd(s, i + 1, isDigit);
    if (!isWord(code(s, port))) return port;
  }
  return isWord(code(s, i)) ? -1 : i;
}

/** `\b` + ipv4End: `10.0.3.7` and `10.0.3.7:5432`. */
function maskIpv4(s: string): string {
  const m = new Masked(s);
  for (let p = 0; p < s.length; p++) {
    if (!isDigit(code(s, p)) || !boundary(s, p)) continue;
    const end = ipv4End(s, p);
    if (end === -1) continue;
    m.mask(p, end);
    p = end - 1;
  }
  return m.text();
}

/** `\b0x[0-9a-f]+\b`, any letter case. */
function maskHex(s: string): string {
  const m = new Masked(s);
  for (let p = 0; p < s.length; p++) {
    if (code(s, p) !== 48 || !boundary(s, p) || (code(s, p + 1) | 32) !== 120) continue;
    const end = runEnd(s, p + 2, isHex);
    if (end === p + 2 || isWord(code(s, end))) continue;
    m.mask(p, end);
    p = end - 1;
  }
  return m.text();
}

/**
 * `\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{8,}\b`: runs of 8+ letters, digits, `_` or `-` that contain
 * a digit (ObjectIds, hashes, tokens). Within one run the match ends at the run's last word
 * boundary whatever its start, and needs a digit after its start: the first start decides.
 */
function maskIds(s: string): string {
  const m = new Masked(s);
  for (let p = 0; p < s.length;) {
    if (!isIdChar(code(s, p))) {
      p++;
      continue;
    }
    const end = runEnd(s, p, isIdChar);
    let lastDigit = -1;
    for (let i = p; i < end; i++) if (isDigit(code(s, i))) lastDigit = i;
    let lastBoundary = end;
    while (lastBoundary > p && !boundary(s, lastBoundary)) lastBoundary--;
    let start = p;
    while (start < end && !boundary(s, start)) start++;
    if (start < end && lastDigit >= start && lastBoundary >= start + 8) {
      m.mask(start, lastBoundary);
      p = lastBoundary;
    } else {
      p = end;
    }
  }
  return m.text();
}

/** `\d+(\.\d+)?`. */
function maskNumbers(s: string): string {
  const m = new Masked(s);
  for (let p = 0; p < s.length;) {
    if (!isDigit(code(s, p))) {
      p++;
      continue;
    }
    let end = runEnd(s, p, isDigit);
    if (code(s, end) === 46 && isDigit(code(s, end + 1))) end = runEnd(s, end + 1, isDigit);
    m.mask(p, end);
    p = end;
  }
  return m.text();
}

/** Longest part of a message read: the rest is not scanned. */
export const MAX_MASKED_MESSAGE = 1000;

/** The message with its variable parts masked, e.g. `User 42 not found` → `User <*> not found`. */
export function normaliseMessage(message: string): string {
  let s = message.length > MAX_MASKED_MESSAGE ? message.slice(0, MAX_MASKED_MESSAGE) : message;
  // Most messages hold few of the kinds: a pass whose first character is absent is skipped.
  if (s.includes('-')) s = maskUuids(s);
  if (s.includes('eyJ')) s = maskJwts(s);
  if (s.includes('@')) s = maskEmails(s);
  if (s.includes('"')) s = maskQuoted(s, 34);
  if (s.includes("'")) s = maskQuoted(s, 39);
  s = maskBackticked(s);
  if (s.includes('.')) s = maskIpv4(s);
  if (s.includes('0x') || s.includes('0X')) s = maskHex(s);
  s = maskIds(s);
  s = maskNumbers(s);
  // Linear: one character class, and nothing after it to backtrack into.
  return s.replace(/\s+/g, ' ').trim();
}
