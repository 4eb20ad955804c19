import { createHash } from 'node:crypto';
import type { StackFrame } from './stack';

// The same bug groups together across requests, restarts and deploys; different throw sites do
// not. As Sentry groups by in-app frames' module and function (never line numbers), a fingerprint
// hashes: the error's class; its message with the variable parts masked (ids, numbers, quoted
// values, emails, …); and its throw site (top application frame, else top frame with a file) as
// function + portable file: app-relative path, never absolute, never line or column, so inserting
// lines above the throw or deploying to another folder keeps the group. Only the top frame counts:
// callers further down differ between a throw before and after an `await` (sync vs async frames).
// The function is its own name (`load` in `UserService.load [as get]`): V8 prefixes the
// receiver's type, which differs when a subclass instance runs the same method.

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

/** `UserService.load [as get]` → `load`; `new Foo` kept as such (a constructor, not a call). */
export function functionName(frame: Pick<StackFrame, 'fn' | 'construct'>): string {
  let fn = frame.fn;
  const alias = fn.indexOf(' [as ');
  if (alias !== -1) fn = fn.slice(0, alias);
  const dot = fn.lastIndexOf('.');
  if (dot > 0 && dot < fn.length - 1) fn = fn.slice(dot + 1);
  return frame.construct ? `new ${fn}` : fn;
}

export function fingerprint(errorClass: string, message: string, throwSite: StackFrame | undefined): string {
  const frame = throwSite === undefined ? '' : `${functionName(throwSite)} ${throwSite.portableFile}`;
  return createHash('sha1')
    .update(`${errorClass}\n${normaliseMessage(message)}\n${frame}`)
    .digest('hex')
    .slice(0, 16);
}
