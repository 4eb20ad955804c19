import { createHash } from 'node:crypto';
import { normaliseMessage } from './normalise-message';
import type { SourceLine } from './source-line';
import { sourceLineAt } from './source-line';
import type { StackFrame } from './stack';

// The same bug groups together across requests, restarts and deploys; different throw sites do
// not. A fingerprint hashes: the error's class; its message with the variable parts masked (ids,
// numbers, quoted values, emails, …); and its throw site (top application frame, else top frame
// with a file) as function + portable file (app-relative path, never absolute, as Sentry groups by
// in-app module and function) + the site's source line (Sentry's "context line", ./source-line.ts):
// its text, trimmed and whitespace-collapsed, and its occurrence index among identical lines of
// the file. Never the line or column number: inserting lines above the throw or deploying to
// another folder keeps the group, while two anonymous handlers of one router, or two throws in
// one function, are two groups. When the file cannot be read (a source-mapped `.ts` not deployed,
// `node:` modules, eval, native) the site is function + file alone.
// Only the top frame counts: callers further down differ between a throw before and after an
// `await` (sync vs async frames). The function is its own name (`load` in
// `UserService.load [as get]`): V8 prefixes the receiver's type, which differs when a subclass
// instance runs the same method.

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

/** The throw site's source line, unless it is in eval'd code (where the line is the eval call's). */
export function throwSiteLine(throwSite: StackFrame | undefined): SourceLine | undefined {
  if (throwSite === undefined || throwSite.eval) return undefined;
  return sourceLineAt(throwSite.sourcePath, throwSite.line);
}

export function fingerprint(
  errorClass: string,
  message: string,
  throwSite: StackFrame | undefined,
  /** Looked up when not given; null: none (function + file alone). */
  sourceLine: SourceLine | null | undefined = throwSiteLine(throwSite),
): string {
  let site = throwSite === undefined ? '' : `${functionName(throwSite)} ${throwSite.portableFile}`;
  if (sourceLine) site += `\n${sourceLine.occurrence} ${sourceLine.text}`;
  return createHash('sha1')
    .update(`${errorClass}\n${normaliseMessage(message)}\n${site}`)
    .digest('hex')
    .slice(0, 16);
}
