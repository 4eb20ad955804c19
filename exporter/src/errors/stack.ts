import type { FrameOrigin } from '../stack/frame-origin';
import { appRootPrefix, originOf, portableFile } from '../stack/frame-origin';
import { parseFrameLine, stackLines } from '../stack/v8-frame';

// V8 stack traces, trimmed for an error event: application frames first (where the bug most
// likely is), then library and Node-internal frames, up to a frame budget. The throw site (top
// application frame, else the top frame with a file) anchors the error's fingerprint.
//
// A stack holds the error's message, which can be huge and attacker-made: the frames are read
// after the message, from a bounded window, and re-printed from their parsed parts, so no
// message text reaches the event through the stack.

/** Stack text read at most, and lines: past these, frames are counted as cut. */
const MAX_STACK_CHARS = 64 * 1024;
const MAX_STACK_LINES = 256;

export interface StackFrame {
  /** Function as V8 printed it, without `async `/`new `: `UserService.load`, `Layer.handle [as handle_request]`; '' when none. */
  fn: string;
  async: boolean;
  construct: boolean;
  /** Inside eval'd code; file, line and column are the eval call's. */
  eval: boolean;
  /** File relative to the app root when inside it; else as printed (`file://` URLs decoded); '' for native code. */
  file: string;
  /** The file as it reads on any install of the same code (see stack/frame-origin.ts). */
  portableFile: string;
  /** The file as the stack named it (`file://` URLs decoded), to read its source line. */
  sourcePath: string;
  line: number | undefined;
  column: number | undefined;
  origin: FrameOrigin;
  app: boolean;
  /** What V8 printed where the file would be, for native frames (`<anonymous>`, `index 0`). */
  location: string;
}

export interface StackInfo {
  /** Trimmed stack text, V8 style. */
  text: string;
  topAppFrame: StackFrame | undefined;
  /** Where the error was made: the top application frame, else the top frame that has a file. */
  throwSite: StackFrame | undefined;
  truncated: boolean;
}

/** `true` for files of the application under `appRoot` (not node_modules, not Node's). */
export function isAppFile(file: string, appRoot: string): boolean {
  return originOf(file, appRootPrefix(appRoot)) === 'app';
}

/**
 * Where the frames begin: after V8's `Name: message` header, whose message may span lines and hold
 * text shaped like frames. 0 when the header is not the message (changed after the throw).
 */
function framesStart(stack: string, message: string | undefined): number {
  if (message === undefined || message === '') return 0;
  // The name before `: ` is short; a few candidates, each compared once.
  let colon = stack.indexOf(': ');
  for (let tries = 0; colon !== -1 && colon < 256 && tries < 4; tries++) {
    if (stack.startsWith(message, colon + 2)) return colon + 2 + message.length;
    colon = stack.indexOf(': ', colon + 2);
  }
  return stack.startsWith(message) ? message.length : 0;
}

/** The frames of a V8 stack, at most MAX_STACK_LINES lines from a MAX_STACK_CHARS window. */
export function parseFrames(stack: string, appRoot: string, message?: string): { frames: StackFrame[]; cut: boolean } {
  const root = appRootPrefix(appRoot);
  const { lines, cut } = stackLines(stack, framesStart(stack, message), MAX_STACK_LINES, MAX_STACK_CHARS);
  const frames: StackFrame[] = [];
  for (const line of lines) {
    const f = parseFrameLine(line);
    if (f === undefined) continue;
    const origin = originOf(f.file, root);
    const portable = portableFile(f.file, root);
    frames.push({
      fn: f.fn,
      async: f.async,
      construct: f.construct,
      eval: f.eval,
      file: origin === 'app' ? portable : f.file,
      portableFile: portable,
      sourcePath: f.file,
      line: f.line,
      column: f.column,
      origin,
      app: origin === 'app',
      location: f.location,
    });
  }
  return { frames, cut };
}

function render(f: StackFrame): string {
  let where: string;
  if (f.file === '') where = f.location;
  else {
    where = f.file;
    if (f.line !== undefined) where += `:${f.line}`;
    if (f.column !== undefined) where += `:${f.column}`;
    if (f.eval) where = `eval at ${where}`;
  }
  const prefix = f.async ? '    at async ' : '    at ';
  if (f.fn === '' && !f.construct) return prefix + where;
  return `${prefix}${f.construct ? 'new ' : ''}${f.fn} (${where})`;
}

/**
 * The stack as an event shows it: `header` (the masked message), application frames, then the
 * rest, `maxFrames` in all. `message` is the error's message as thrown, to find where frames begin.
 */
export function trimStack(
  header: string,
  stack: string | undefined,
  appRoot: string,
  maxFrames: number,
  message?: string,
): StackInfo {
  if (stack === undefined || stack === '')
    return { text: header, topAppFrame: undefined, throwSite: undefined, truncated: false };
  const { frames, cut } = parseFrames(stack, appRoot, message);
  const app = frames.filter((f) => f.app);
  const other = frames.filter((f) => !f.app);
  const kept = [...app, ...other].slice(0, maxFrames);
  const lines = [header];
  const keptApp = kept.filter((f) => f.app);
  for (const f of keptApp) lines.push(render(f));
  if (keptApp.length > 0 && keptApp.length < kept.length) lines.push('    --- library and Node.js frames ---');
  for (const f of kept.filter((f) => !f.app)) lines.push(render(f));
  const dropped = frames.length - kept.length;
  if (dropped > 0 || cut) lines.push(`    … ${dropped}${cut ? '+' : ''} more frames`);
  return {
    text: lines.join('\n'),
    topAppFrame: app[0],
    throwSite: app[0] ?? frames.find((f) => f.file !== ''),
    truncated: dropped > 0 || cut,
  };
}
