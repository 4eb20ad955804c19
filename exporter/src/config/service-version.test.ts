import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PulseConfigError } from './errors';
import { resolveOptions } from './options';
import { resolveServiceVersion } from './service-version';

// serviceVersion: the option, else SERVICE_VERSION, else the version of the main script's package.

let root: string;
let savedEnv: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pulse-version-'));
  savedEnv = process.env.SERVICE_VERSION;
  delete process.env.SERVICE_VERSION;
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  if (savedEnv === undefined) delete process.env.SERVICE_VERSION;
  else process.env.SERVICE_VERSION = savedEnv;
});

function file(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

function configErrorOf(run: () => unknown): PulseConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof PulseConfigError) return err;
    throw err;
  }
  throw new Error('expected a PulseConfigError');
}

describe('serviceVersion option', () => {
  it('is taken as given', () => {
    expect(resolveOptions({ serviceName: 'a', serviceVersion: 'v2.0.1+g1a2b3c' }).serviceVersion).toBe(
      'v2.0.1+g1a2b3c',
    );
  });

  it.each([
    ['a number', 2, /expected a version of 1–128 printable characters without spaces, got number 2/],
    ['spaces', '1.0 beta', /got the string "1.0 beta"/],
    ['an empty string', '', /got an empty string/],
    ['a newline', '1.0\n', /got the string "1.0\\n"/],
    ['too long', 'x'.repeat(129), /expected a version of 1–128/],
  ])('rejects %s, naming the field', (_what, serviceVersion, message) => {
    const err = configErrorOf(() => resolveOptions({ serviceName: 'a', serviceVersion }));
    expect(err.path).toBe('serviceVersion');
    expect(err.problem).toMatch(message);
  });
});

describe('serviceVersion defaults', () => {
  it('SERVICE_VERSION when the option is not given; the option wins over it', () => {
    process.env.SERVICE_VERSION = '2026.12.06-7f3a';
    expect(resolveOptions({ serviceName: 'a' }).serviceVersion).toBe('2026.12.06-7f3a');
    expect(resolveOptions({ serviceName: 'a', serviceVersion: '1.0.0' }).serviceVersion).toBe('1.0.0');
  });

  it('a bad SERVICE_VERSION is a config error naming the variable', () => {
    process.env.SERVICE_VERSION = 'release 7';
    const err = configErrorOf(() => resolveOptions({ serviceName: 'a' }));
    expect(err.path).toBe('serviceVersion');
    expect(err.message).toBe(
      'Pulse option "serviceVersion": from the SERVICE_VERSION environment variable: expected a version of 1–128 printable characters without spaces, got the string "release 7"',
    );
  });

  it('an empty SERVICE_VERSION counts as unset', () => {
    process.env.SERVICE_VERSION = '';
    const main = file('app/server.js', '');
    file('app/package.json', JSON.stringify({ name: 'shop', version: '3.7.1' }));
    expect(resolveServiceVersion(undefined, main)).toBe('3.7.1');
  });

  it("the version of the main script's package, stepping over manifests without name or version", () => {
    file('app/package.json', JSON.stringify({ name: 'shop', version: '3.7.1' }));
    file('app/dist/package.json', JSON.stringify({ type: 'module' }));
    const main = file('app/dist/src/server.js', '');
    expect(resolveServiceVersion(undefined, main)).toBe('3.7.1');
  });

  it('the nearest real package decides: one without a version means none', () => {
    file('repo/package.json', JSON.stringify({ name: 'monorepo', version: '9.9.9' }));
    file('repo/services/shop/package.json', JSON.stringify({ name: 'shop', private: true }));
    expect(resolveServiceVersion(undefined, file('repo/services/shop/server.js', ''))).toBeUndefined();
  });

  it('no version from a tool that started the process (main script under node_modules)', () => {
    file('app/package.json', JSON.stringify({ name: 'shop', version: '3.7.1' }));
    file('app/node_modules/jest/package.json', JSON.stringify({ name: 'jest', version: '29.7.0' }));
    expect(resolveServiceVersion(undefined, file('app/node_modules/jest/bin/jest.js', ''))).toBeUndefined();
  });

  it.each([
    ['not JSON', '{ "version": '],
    ['an array', '["1.0.0"]'],
    ['a version that is not a string', JSON.stringify({ name: 'shop', version: 3 })],
    ['a version with spaces', JSON.stringify({ name: 'shop', version: '1.0 final' })],
    ['an oversized manifest', JSON.stringify({ name: 'shop', version: '1.0.0', pad: 'x'.repeat(300 * 1024) })],
  ])('no version from %s (and no error)', (_what, text) => {
    file('app/package.json', text);
    expect(resolveServiceVersion(undefined, file('app/server.js', ''))).toBeUndefined();
  });

  it('none without a main script', () => {
    expect(resolveServiceVersion(undefined, undefined)).toBeUndefined();
  });
});
