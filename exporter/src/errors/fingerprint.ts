import { createHash } from 'node:crypto';
import { normaliseMessage } from './normalise-message';
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

// The message's variable parts are masked by ./normalise-message.ts (linear scanners).
export { normaliseMessage };

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
