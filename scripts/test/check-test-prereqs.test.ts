// `npm test`'s prerequisite check (scripts/check-test-prereqs.mjs), run by node as `pretest` runs
// it, against a fake PATH and ports that are closed or open on purpose.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/check-test-prereqs.mjs');

let binDir: string;
let open: net.Server;
let openPort: number;
let closedPort: number;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function fakeBin(dir: string, name: string, executable = true): void {
  fs.writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n', { mode: executable ? 0o755 : 0o644 });
}

/** Calls the module's run() in a fresh node with this PATH/env and these services; its exit code and output. */
function check(opts: { path: string; services: { name: string; port: number }[]; env?: Record<string, string> }) {
  const services = opts.services.map((s) => ({ ...s, host: '127.0.0.1', pkg: `${s.name.toLowerCase()}-pkg` }));
  const driver = `
    import { run } from ${JSON.stringify(SCRIPT)};
    const out = { log: (s) => process.stdout.write(s + '\\n'), error: (s) => process.stderr.write(s + '\\n') };
    process.exitCode = await run({ env: { ...process.env }, services: ${JSON.stringify(services)}, out });
  `;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver], {
    env: { PATH: opts.path, ...opts.env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

beforeAll(async () => {
  binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-prereqs-'));
  open = net.createServer((s) => s.destroy());
  openPort = await listen(open);
  const closed = net.createServer();
  closedPort = await listen(closed);
  await new Promise((r) => closed.close(r));
});

afterAll(() => {
  open.close();
  fs.rmSync(binDir, { recursive: true, force: true });
});

describe('npm test prerequisite check', () => {
  it('passes silently when every binary is on PATH and every service answers', () => {
    const dir = path.join(binDir, 'all');
    fs.mkdirSync(dir);
    for (const b of [
      'prometheus',
      'promtool',
      'prometheus-alertmanager',
      'amtool',
      'prometheus-blackbox-exporter',
      'victoria-metrics',
      'vmalert',
    ]) {
      fakeBin(dir, b);
    }
    const r = check({ path: dir, services: [{ name: 'PostgreSQL', port: openPort }] });
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  it('stops at once naming each missing binary and closed port, with the commands that fix them', () => {
    const dir = path.join(binDir, 'some');
    fs.mkdirSync(dir);
    fakeBin(dir, 'prometheus');
    fakeBin(dir, 'promtool');
    fakeBin(dir, 'amtool', false); // present but not executable: missing
    const r = check({
      path: `${dir}${path.delimiter}${path.join(binDir, 'does-not-exist')}`,
      services: [
        { name: 'PostgreSQL', port: openPort },
        { name: 'Redis', port: closedPort },
      ],
    });
    expect(r.status).toBe(1);
    const missing = [...r.stderr.matchAll(/missing binary: (\S+)/g)].map((m) => m[1]);
    expect(missing).toEqual([
      'prometheus-alertmanager',
      'amtool',
      'prometheus-blackbox-exporter',
      'victoria-metrics',
      'vmalert',
    ]);
    const down = [...r.stderr.matchAll(/not reachable: +(\S+) on (\S+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(down).toEqual([`Redis 127.0.0.1:${closedPort}`]);
    expect(r.stderr).toContain('  bash .ci/run\n');
    expect(r.stderr).toContain(
      'sudo apt-get install -y --no-install-recommends prometheus-alertmanager prometheus-blackbox-exporter victoria-metrics\n',
    );
    expect(r.stderr).toContain('redis-server --daemonize yes');
    expect(r.stderr).toContain('PULSE_SKIP_PREREQS=1 npm test');
    // A closed port answers at once; the whole check is one round of probes, not a test run.
    expect(r.ms).toBeLessThan(5000);
  });

  it('PULSE_SKIP_PREREQS=1 lets npm test run without them, and says so', () => {
    const r = check({
      path: binDir,
      services: [{ name: 'Redis', port: closedPort }],
      env: { PULSE_SKIP_PREREQS: '1' },
    });
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toContain('prerequisite check skipped (PULSE_SKIP_PREREQS=1)');
  });

  it('the command line version exits non-zero with an empty PATH, and `npm test` runs it first', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { env: { PATH: binDir }, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing binary: prometheus ');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.pretest).toContain('node scripts/check-test-prereqs.mjs');
  });
});
