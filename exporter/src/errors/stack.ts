import { sep } from 'node:path';

// V8 stack traces, trimmed for an error event: application frames first (where the bug most
// likely is), then library and Node-internal frames, up to a frame budget. The top application
// frame also anchors the error's fingerprint.

export interface StackFrame {
  /** Function as V8 printed it (`UserService.load`, `async handler`, `<anonymous>`). */
  fn: string;
  /** File relative to the app root when inside it; else as printed. */
  file: string;
  line: number;
  column: number;
  app: boolean;
}

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface StackInfo {
  /** Trimmed stack text, V8 style. */
  text: string;
  topAppFrame: StackFrame | undefined;
  truncated: boolean;
}

export function isAppFile(file: string, appRoot: string): boolean {
  if (file.startsWith('node:') || file.startsWith('internal/') || (!file.includes('/') && !file.includes('\\')))
    return false;
  if (file.includes(`${sep}node_modules${sep}`) || file.includes('/node_modules/')) return false;
  return file.startsWith(appRoot);
}

export function parseFrames(stack: string, appRoot: string): StackFrame[] {
  const root = appRoot.endsWith(sep) ? appRoot : appRoot + sep;
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    let file = m[2]!;
    if (file.startsWith('file://')) {
      try {
        file = decodeURIComponent(new URL(file).pathname);
      } catch {
        // keep as printed
      }
    }
    const app = isAppFile(file, root);
    frames.push({
      fn: m[1] ?? '<anonymous>',
      file: app ? file.slice(root.length) : file,
      line: Number(m[3]),
      column: Number(m[4]),
      app,
    });
  }
  return frames;
}

function render(f: StackFrame): string {
  return f.fn === '<anonymous>'
    ? `    at ${f.file}:${f.line}:${f.column}`
    : `    at ${f.fn} (${f.file}:${f.line}:${f.column})`;
}

export function trimStack(header: string, stack: string | undefined, appRoot: string, maxFrames: number): StackInfo {
  if (stack === undefined || stack === '') return { text: header, topAppFrame: undefined, truncated: false };
  const frames = parseFrames(stack, appRoot);
  const app = frames.filter((f) => f.app);
  const other = frames.filter((f) => !f.app);
  const kept = [...app, ...other].slice(0, maxFrames);
  const lines = [header];
  const keptApp = kept.filter((f) => f.app);
  for (const f of keptApp) lines.push(render(f));
  if (keptApp.length > 0 && keptApp.length < kept.length) lines.push('    --- library and Node.js frames ---');
  for (const f of kept.filter((f) => !f.app)) lines.push(render(f));
  const dropped = frames.length - kept.length;
  if (dropped > 0) lines.push(`    … ${dropped} more frames`);
  return { text: lines.join('\n'), topAppFrame: app[0], truncated: dropped > 0 };
}
