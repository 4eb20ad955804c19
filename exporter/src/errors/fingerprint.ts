import { createHash } from 'node:crypto';
import type { StackFrame } from './stack';

// The same bug groups together across requests and restarts: a fingerprint hashes the error's
// class, its message with the variable parts masked (ids, numbers, quoted values, emails, …),
// and its top application frame as function + file (no line numbers: unrelated edits above the
// throw site would split a group).

// One placeholder for every variable part: `User 42` and `User 65a1f0c2…` are the same bug.
const V = '<*>';
const MASKS: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, V],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, V],
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, V],
  [/(^|[^\w])"(?:[^"\\]|\\.)*"/g, `$1${V}`],
  [/(^|[^\w])'(?:[^'\\]|\\.)*'/g, `$1${V}`],
  [/`[^`]*`/g, V],
  [/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, V],
  [/\b0x[0-9a-f]+\b/gi, V],
  // Ids: runs of 8+ letters, digits, "_" or "-" that contain a digit (ObjectIds, hashes, tokens).
  [/\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{8,}\b/g, V],
  [/\d+(\.\d+)?/g, V],
];

/** The message with its variable parts masked, e.g. `User 42 not found` → `User <*> not found`. */
export function normaliseMessage(message: string): string {
  let out = message.length > 1000 ? message.slice(0, 1000) : message;
  for (const [pattern, replacement] of MASKS) out = out.replace(pattern, replacement);
  return out.replace(/\s+/g, ' ').trim();
}

export function fingerprint(errorClass: string, message: string, topAppFrame: StackFrame | undefined): string {
  const frame = topAppFrame === undefined ? '' : `${topAppFrame.fn.replace(/^async /, '')} ${topAppFrame.file}`;
  return createHash('sha1')
    .update(`${errorClass}\n${normaliseMessage(message)}\n${frame}`)
    .digest('hex')
    .slice(0, 16);
}
