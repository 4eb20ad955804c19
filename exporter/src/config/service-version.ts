import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PulseConfigError } from './errors';
import { str } from './schema';

// The running service's version (`service.version` in OpenTelemetry's terms): on lifecycle events
// (deploy markers) and on pulse_runtime_info. From the option, else the SERVICE_VERSION
// environment variable, else the `version` of the package.json nearest the main script, else none.

/** A version as a label value: 1–128 printable ASCII characters, no spaces (`1.4.2`, `v2+g1a2b3c`, a git sha). */
const VERSION = /^[\x21-\x7e]{1,128}$/;
export const serviceVersionCheck = str({
  pattern: VERSION,
  accepts: 'a version of 1–128 printable characters without spaces',
});

export const SERVICE_VERSION_ENV = 'SERVICE_VERSION';

/** A package.json larger than this is not the app's manifest; it is not read. */
const MAX_MANIFEST_BYTES = 256 * 1024;

export function resolveServiceVersion(option: string | undefined, mainScript = process.argv[1]): string | undefined {
  if (option !== undefined) return option;
  const fromEnv = process.env[SERVICE_VERSION_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    try {
      return serviceVersionCheck.parse(fromEnv, 'serviceVersion');
    } catch (err) {
      if (!(err instanceof PulseConfigError)) throw err;
      throw new PulseConfigError(
        'serviceVersion',
        `from the ${SERVICE_VERSION_ENV} environment variable: ${err.problem}`,
      );
    }
  }
  return mainScript === undefined ? undefined : manifestVersion(mainScript);
}

/**
 * The `version` of the package the main script belongs to. Not when the script sits under
 * node_modules: then the process was started by a tool (a test runner, pm2, npx), whose version is
 * not the service's. Manifests without `name` or `version` (`{"type":"module"}` in a build folder)
 * are stepped over; the first real one decides. Anything unreadable or odd means no version.
 */
function manifestVersion(mainScript: string): string | undefined {
  const version = mainPackage(mainScript)?.manifest.version;
  return typeof version === 'string' && VERSION.test(version) ? version : undefined;
}

/** The folder of the package the main script belongs to (found as for its version), or undefined. */
export function mainPackageDir(mainScript: string | undefined = process.argv[1]): string | undefined {
  return mainScript === undefined ? undefined : mainPackage(mainScript)?.dir;
}

function mainPackage(mainScript: string): { dir: string; manifest: Record<string, unknown> } | undefined {
  if (mainScript.split(/[\\/]/).includes('node_modules')) return undefined;
  let dir = dirname(mainScript);
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest !== undefined && ('version' in manifest || 'name' in manifest)) return { dir, manifest };
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readManifest(file: string): Record<string, unknown> | undefined {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
