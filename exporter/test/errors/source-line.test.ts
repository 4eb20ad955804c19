/**
 * The throw site's source line in the fingerprint: what is read, what falls back to function +
 * file, and that reading a large source file on first sight does not stall the event loop.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from '../../src/errors/fingerprint';
import { clearSourceLines, lineText, sourceLineAt } from '../../src/errors/source-line';
import type { StackFrame } from '../../src/errors/stack';
import { leastLoopBlockMs } from '../support/loop-block';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-source-line-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(clearSourceLines);

const site = (sourcePath: string, line: number, extra: Partial<StackFrame> = {}): StackFrame => ({
  fn: 'handler',
  file: 'routes/a.js',
  portableFile: 'routes/a.js',
  sourcePath,
  line,
  column: 5,
  app: true,
  origin: 'app',
  async: false,
  construct: false,
  eval: false,
  location: `${sourcePath}:${line}:5`,
  ...extra,
});

describe('sourceLineAt', () => {
  it('gives the trimmed, whitespace-collapsed line and its place among identical lines (CRLF files too)', () => {
    const file = join(dir, 'twins.js');
    writeFileSync(file, ['a();', '  throw   new X("m");', 'b();', '\tthrow new X("m");\t', 'c();'].join('\r\n'));
    expect(sourceLineAt(file, 2)).toEqual({ text: 'throw new X("m");', occurrence: 0 });
    expect(sourceLineAt(file, 4)).toEqual({ text: 'throw new X("m");', occurrence: 1 });
    expect(sourceLineAt(file, 6)).toBeUndefined();
  });

  it('cuts long lines to 200 characters', () => {
    expect(lineText(`  ${'x '.repeat(5000)}`)).toHaveLength(200);
  });

  it('reads nothing it cannot: missing files, relative paths, node: modules, files over 1 MB', () => {
    const big = join(dir, 'bundle.js');
    writeFileSync(big, 'throw new Error("x");\n' + 'x'.repeat(1024 * 1024));
    for (const path of [join(dir, 'routes', 'a.ts'), 'routes/a.js', 'node:internal/fs', big, dir])
      expect(sourceLineAt(path, 1)).toBeUndefined();
  });
});

describe('fingerprint with the source line', () => {
  it('falls back to function + file when the source cannot be read (undeployed .ts, eval)', () => {
    const file = join(dir, 'evaled.js');
    writeFileSync(file, 'eval(code);\n');
    const fallback = fingerprint('Error', 'boom', site(file, 1), null);
    expect(fingerprint('Error', 'boom', site(join(dir, 'missing.ts'), 1))).toBe(fallback);
    expect(fingerprint('Error', 'boom', site(file, 1, { eval: true }))).toBe(fallback);
    expect(fingerprint('Error', 'boom', site(file, 1))).not.toBe(fallback);
  });

  it('is the same when identical code moves down, different for another identical line', () => {
    const before = join(dir, 'v1.js');
    const after = join(dir, 'v2.js');
    const body = ['function f() {', '  throw new X("m");', '}', 'function g() {', '  throw new X("m");', '}'];
    writeFileSync(before, body.join('\n'));
    writeFileSync(after, ['// new', '// lines', ...body].join('\n'));
    expect(fingerprint('X', 'm', site(after, 4))).toBe(fingerprint('X', 'm', site(before, 2)));
    expect(fingerprint('X', 'm', site(after, 7))).toBe(fingerprint('X', 'm', site(before, 5)));
    expect(fingerprint('X', 'm', site(before, 5))).not.toBe(fingerprint('X', 'm', site(before, 2)));
  });

  it('reads a 1 MB source file of identical lines on first sight without blocking the event loop for 20 ms', async () => {
    const file = join(dir, 'large.js');
    const line = '  if (order.total > limit) throw new RangeError(`order ${order.id} over limit`); // ok\n';
    writeFileSync(file, line.repeat(Math.floor((1024 * 1024 - 1024) / line.length)));
    let fp = '';
    const blocked = await leastLoopBlockMs(() => {
      clearSourceLines();
      fp = fingerprint('RangeError', 'order 1 over limit', site(file, 12_000));
    }, 20);
    expect(blocked).toBeLessThan(20);
    expect(sourceLineAt(file, 12_000)).toMatchObject({ occurrence: 11_999 });
    expect(fp).not.toBe(fingerprint('RangeError', 'order 1 over limit', site(file, 12_000), null));
  });
});
