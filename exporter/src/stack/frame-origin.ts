// Where a frame's code lives: the application (under its root, outside node_modules), a library
// (node_modules, or any other directory), Node.js itself (`node:` modules), or native code. Paths
// are compared with forward slashes and a lower-case drive letter, so Windows stacks
// (`C:\app\src\a.js`) classify the same on every platform.

export type FrameOrigin = 'app' | 'library' | 'node' | 'native';

/** `C:\App\src\a.js` → `c:/App/src/a.js`; POSIX paths unchanged. */
export function comparablePath(path: string): string {
  let out = path.includes('\\') ? path.replaceAll('\\', '/') : path;
  if (out.length >= 2 && out[1] === ':') out = out[0]!.toLowerCase() + out.slice(1);
  return out;
}

/** An application root in the form `originOf` compares against (trailing slash included). */
export function appRootPrefix(dir: string): string {
  const root = comparablePath(dir);
  return root.endsWith('/') ? root : root + '/';
}

const WEBPACK = 'webpack://';

/**
 * The path of a source-mapped webpack module inside the project: `webpack://app/./src/a.ts` →
 * `src/a.ts` (bundles' source maps name sources this way); undefined for other files.
 */
function webpackSource(file: string): string | undefined {
  if (!file.startsWith(WEBPACK)) return undefined;
  const slash = file.indexOf('/', WEBPACK.length);
  if (slash === -1) return undefined;
  let path = file.slice(slash + 1);
  while (path.startsWith('./')) path = path.slice(2);
  return path;
}

export function isNodeInternal(file: string): boolean {
  return file.startsWith('node:') || file.startsWith('internal/');
}

export function originOf(file: string, rootPrefix: string): FrameOrigin {
  if (file === '') return 'native';
  if (isNodeInternal(file)) return 'node';
  const path = comparablePath(file);
  if (path.includes('/node_modules/') || path.startsWith('node_modules/')) return 'library';
  const bundled = webpackSource(file);
  if (bundled !== undefined) return bundled.startsWith('webpack/') ? 'library' : 'app';
  return path.startsWith(rootPrefix) ? 'app' : 'library';
}

/**
 * The file as it reads on any install of the same code: app files relative to the app root,
 * dependencies from their package folder (`express/lib/router/layer.js`, whatever the nesting of
 * node_modules), `node:` modules as they are, anything else by its base name. No absolute path,
 * so a fingerprint survives a move to another directory, host or release folder.
 */
export function portableFile(file: string, rootPrefix: string): string {
  if (file === '' || isNodeInternal(file)) return file;
  const path = comparablePath(file);
  const modules = path.lastIndexOf('node_modules/');
  if (modules !== -1) return path.slice(modules + 'node_modules/'.length);
  const bundled = webpackSource(file);
  if (bundled !== undefined) return bundled;
  if (path.startsWith(rootPrefix)) return path.slice(rootPrefix.length);
  return path.slice(path.lastIndexOf('/') + 1);
}
