// scripts/node-lines.mjs, run as .ci/run and the benchmarks run it: the running line is served by
// its own binary (nothing installed), an unknown line is refused by name.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/node-lines.mjs');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('node-lines', () => {
  it('answers the running line with the running binary, without installing anything', () => {
    const line = process.versions.node.split('.')[0]!;
    const r = run(line);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${line} ${process.versions.node} ${process.execPath}`);
    expect(r.stderr).not.toMatch(/installing/);
  });

  it('refuses a line it does not pin, naming it and the known ones', () => {
    const r = run('19');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown Node line 19 \(known: 20, 22, 24\)/);
  });
});
