import { dirname, isAbsolute, relative, sep } from 'node:path';
import { parseFrameLine } from '../stack/v8-frame';
import { checkoutCallSite } from './checkout';

// The application line that ran a query: the first stack frame that is neither Node's, a
// dependency's (node_modules) nor Pulse's. The stack is captured when the query starts (the only
// time the caller is on it) into a holder object; V8 formats it lazily, so the costly part —
// turning frames into text — only happens for the few queries that turn out slow.

/** Frames kept per capture: enough to climb out of a driver, a query builder and Pulse. */
const FRAMES = 30;

export interface CallSiteHolder {
  stack?: string;
}

/** The file and line of one stack frame line, when it has an absolute file and a line. */
function frameFile(text: string): { file: string; line: number } | undefined {
  const frame = parseFrameLine(text);
  // node:internal, native code and other non-files (eval frames carry their eval call's file).
  if (frame === undefined || frame.line === undefined || !isAbsolute(frame.file)) return undefined;
  return { file: frame.file, line: frame.line };
}

/** Pulse's own source folder (src/ or dist/), found from this module's own stack frame. */
function pulseRoot(): string | undefined {
  const stack = new Error().stack ?? '';
  const frame = stack.split('\n')[1];
  const parsed = frame === undefined ? undefined : frameFile(frame);
  if (parsed === undefined) return undefined;
  const dir = dirname(parsed.file);
  // Bundled: dist/<chunk>.js. From source: src/db/caller.ts.
  return dir.endsWith(`${sep}db`) ? dirname(dir) : dir;
}

const ownRoot = pulseRoot();
const nodeModules = `${sep}node_modules${sep}`;

/**
 * The call site of the code running now. Inside a pool's checkout callback the application is
 * no longer on the stack: the site captured when it asked for the connection is used instead.
 */
export function captureCallSite(): CallSiteHolder {
  const inherited = checkoutCallSite();
  if (inherited !== undefined) return inherited;
  const holder: CallSiteHolder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return holder;
}

/** `path/to/file.js:42` of the first application frame, relative to the working directory. */
export function applicationFrame(holder: CallSiteHolder): string | undefined {
  const stack = holder.stack;
  if (typeof stack !== 'string') return undefined;
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const parsed = frameFile(lines[i]!);
    if (parsed === undefined) continue;
    const { file } = parsed;
    if (file.includes(nodeModules)) continue;
    if (ownRoot !== undefined && (file === ownRoot || file.startsWith(ownRoot + sep))) continue;
    const shown = relative(process.cwd(), file);
    return `${shown.startsWith('..') ? file : shown}:${parsed.line}`;
  }
  return undefined;
}
