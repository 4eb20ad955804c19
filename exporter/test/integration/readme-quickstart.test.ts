import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getFreePort } from '../support/free-port';
import { sampleValue, sleep } from '../support/app';

// The README's Express snippets, pasted verbatim into a new app and run by plain Node against the
// built package (dist/, as users install it): the one-file quick start, and the layout with the
// routes in a module of their own imported before createPulse(); ESM as written, and CommonJS
// converted the way the README says. Plain Node, not jest, so express is found as in a real app.

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function quickstartApp(): string {
  const m = /<!-- quickstart-app[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no quickstart-app code block');
  return m[1]!;
}

/** The `<!-- quickstart-layout file=NAME -->` blocks, by file name. */
function layoutFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const m of readme.matchAll(
    /<!-- quickstart-layout file=(\S+) -->\s*(?:<!--[^>]*-->\s*)?```js\n([\s\S]*?)```/g,
  )) {
    files[m[1]!] = m[2]!;
  }
  return files;
}

/** The import and export forms the README's snippets use, as CommonJS. */
function toCommonJs(esm: string): string {
  return esm
    .replace(/^import (\w+) from '([^']+)';$/gm, "const $1 = require('$2');")
    .replace(/^import (\{[^}]+\}) from '([^']+)';$/gm, "const $1 = require('$2');")
    .replace(/^export const (\w+) =/gm, 'const $1 = exports.$1 =');
}

async function runApp(
  name: string,
  type: 'module' | 'commonjs',
  files: Record<string, string>,
  main: string,
  expectRoute: { path: string; route: string },
): Promise<void> {
  const dir = join(root, '.tmp', `readme-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type }));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), source);
  }
  const port = await getFreePort();
  const child = spawn(process.execPath, [join(dir, main)], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = await fetch(`${base}/metrics`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await sleep(100);
    }
    expect({ ready, stderr }).toEqual({ ready: true, stderr: '' });
    for (const id of ['1', '2', '3']) {
      expect((await fetch(`${base}${expectRoute.path.replace(':id', id)}`)).status).toBe(200);
    }
    await sleep(20);
    const text = await (await fetch(`${base}/metrics`)).text();
    const count = (route: string): number | undefined =>
      sampleValue(text, 'http_server_request_duration_seconds_count', { http_route: route });
    expect({ route: expectRoute.route, count: count(expectRoute.route), unmatched: count('(unmatched)') }).toEqual({
      route: expectRoute.route,
      count: 3,
      unmatched: undefined,
    });
    expect(text).toContain('process_cpu_seconds_total');
    expect(stderr).toBe('');
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the README quick start', () => {
  const snippet = quickstartApp();
  const layout = layoutFiles();
  const users = { path: '/users/:id', route: '/users/:id' };
  const layoutUsers = { path: '/api/v1/users/:id', route: '/api/:version/users/:id' };

  it('has the three lines a user adds', () => {
    expect(snippet).toContain('app.use(pulse.middleware())');
    expect(snippet).toContain('app.use(pulse.errorHandler())');
    expect(snippet).toContain('pulse.mount(app)');
  });

  it(
    'works pasted into a new ESM Express app',
    () => runApp('esm', 'module', { 'app.js': snippet }, 'app.js', users),
    30_000,
  );

  it(
    'works pasted into a new CommonJS Express app',
    () => runApp('cjs', 'commonjs', { 'app.js': toCommonJs(snippet) }, 'app.js', users),
    30_000,
  );

  it('shows the layout with routes in a module imported before createPulse()', () => {
    expect(Object.keys(layout).sort()).toEqual(['app.js', 'routes/users.js']);
    expect(layout['app.js']).toContain("from './routes/users.js'");
    expect(layout['app.js']!.indexOf("from './routes/users.js'")).toBeLessThan(
      layout['app.js']!.indexOf('createPulse('),
    );
  });

  it(
    'templates the routes of that layout as ESM, mount path included',
    () => runApp('layout-esm', 'module', layout, 'app.js', layoutUsers),
    30_000,
  );

  it(
    'templates the routes of that layout as CommonJS, mount path included',
    () =>
      runApp(
        'layout-cjs',
        'commonjs',
        Object.fromEntries(Object.entries(layout).map(([file, source]) => [file, toCommonJs(source)])),
        'app.js',
        layoutUsers,
      ),
    30_000,
  );
});
