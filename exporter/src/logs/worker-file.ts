import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the shipping thread's entry file is. Built: dist/logs/loki-worker.js next to the bundle
// (tsup's shims give the ESM bundle a __dirname). From sources (tests, tsx): the .dev.mjs entry,
// which loads the TypeScript module through tsx.
let cached: string | undefined;

/** This module's directory: __dirname, or (sources run as ESM, where there is none) read from a stack frame. */
function moduleDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  const frame = new Error().stack?.split('\n')[1] ?? '';
  const m = /(file:\/\/[^\s)]+?):\d+:\d+\)?$/.exec(frame) ?? /\(?(\/[^\s)]+?):\d+:\d+\)?$/.exec(frame);
  if (m === null) throw new Error(`cannot locate Pulse's log shipping worker from ${frame}`);
  return dirname(m[1]!.startsWith('file:') ? fileURLToPath(m[1]!) : m[1]!);
}

export function shippingWorkerFile(): string {
  if (cached !== undefined) return cached;
  const here = moduleDir();
  const candidates = [
    join(here, 'logs', 'loki-worker.js'),
    join(here, 'loki-worker.js'),
    join(here, 'worker', 'loki-worker.dev.mjs'),
  ];
  const found = candidates.find((f) => existsSync(f));
  if (found === undefined)
    throw new Error(`Pulse's log shipping worker is missing (looked for ${candidates.join(', ')})`);
  cached = found;
  return found;
}
