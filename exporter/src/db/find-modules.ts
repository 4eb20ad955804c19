import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

// Finding the application's copy of a driver, whether it was loaded before Pulse or will be
// after: every copy already in the module cache (ESM `import` of a CommonJS package goes through
// that cache too), plus the copy the application would get, resolved from the working directory.
// Requiring it here loads it early, which is what makes a later `import pg from 'pg'` in the app
// receive the already-patched module instance.

export interface FoundModule {
  readonly exports: unknown;
  /** The module's main file, when known (to read its package.json). */
  readonly filename: string | undefined;
}

const appRequire = (): NodeJS.Require => createRequire(join(process.cwd(), 'noop.js'));

/**
 * Loaded modules whose file ends with `<package>/<mainFile>` (e.g. `pg/lib/index.js`), and the
 * package resolved from the working directory. Deduplicated by exports object.
 */
export function findModules(packageName: string, mainFile: string): FoundModule[] {
  const found = new Map<unknown, FoundModule>();
  const suffix = sep + packageName + sep + mainFile.split('/').join(sep);
  const req = appRequire();
  for (const [filename, mod] of Object.entries(req.cache)) {
    if (mod !== undefined && filename.endsWith(suffix) && mod.loaded !== false && !found.has(mod.exports)) {
      found.set(mod.exports, { exports: mod.exports, filename });
    }
  }
  try {
    const filename = req.resolve(packageName);
    const exports: unknown = req(packageName);
    if (!found.has(exports)) found.set(exports, { exports, filename });
  } catch {
    // Not installed next to the app: only the copies found above (or an explicit module) apply.
  }
  return [...found.values()];
}

/** The filename of a module object found in the cache, for explicitly passed modules. */
export function filenameOf(exports: unknown): string | undefined {
  for (const [filename, mod] of Object.entries(appRequire().cache)) {
    if (mod?.exports === exports) return filename;
  }
  return undefined;
}

/** `version` from the package.json of the package owning `filename` (its main file). */
export function packageVersion(filename: string | undefined, packageName: string): string | undefined {
  if (filename === undefined) return undefined;
  const marker = sep + packageName + sep;
  const at = filename.lastIndexOf(marker);
  if (at === -1) return undefined;
  try {
    const pkg = createRequire(filename)(filename.slice(0, at + marker.length) + 'package.json') as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** True when `version` (x.y.z) is at least `major.minor`. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map((p) => parseInt(p, 10));
  if (a === undefined || Number.isNaN(a)) return false;
  return a > major || (a === major && (b ?? 0) >= minor);
}
