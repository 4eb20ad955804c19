/**
 * `http.excludePaths` globs against hostile paths. Globs like `/assets/*.*.*.js` once compiled to
 * a backtracking RegExp, and a 1–4 KB path stalled the app for seconds. Each glob shape gets a
 * 64 KB path crafted against it, sent over a real connection to a real server, while perf_hooks
 * watches the event loop: it must never be blocked more than 20 ms. Matching paths of that size
 * must still be excluded, and the others still counted.
 */
import { leastLoopBlockMs } from '../support/loop-block';
import { fill64k as fill, startHostilePathServer, type HostilePathServer } from './support/hostile-path-server';
import { staticRoutes } from './fixtures/static-routes';

const GLOBS = [
  '/assets/*.*.*.js',
  '/files/*-*-*-*.txt',
  '/**/**/**/x',
  '/v1/*/*/*/*/*/report',
  '/**.map',
  '/x/**/y/**/z/*',
];

/** [glob it targets, path, excluded?] */
const HOSTILE: [string, string, boolean][] = [
  ['/assets/*.*.*.js', fill('/assets/', '.'), false],
  ['/assets/*.*.*.js', fill('/assets/', 'a.', 'js'), true],
  ['/files/*-*-*-*.txt', fill('/files/', '-'), false],
  ['/files/*-*-*-*.txt', fill('/files/', 'a-', 'a.txt'), true],
  ['/**/**/**/x', fill('', '/a'), false],
  ['/**/**/**/x', fill('', '/a', '/x'), true],
  ['/v1/*/*/*/*/*/report', fill('/v1/', 'a'), false],
  ['/**.map', fill('', '/.m.ma'), false],
  ['/**.map', fill('', '/a.', '.map'), true],
  ['/x/**/y/**/z/*', fill('/x/', '/y/z'), false],
  ['/x/**/y/**/z/*', fill('/x/', '/y/z', '/y/z/w'), true],
];

let server: HostilePathServer;
beforeAll(async () => {
  server = await startHostilePathServer('hostile-globs', GLOBS, staticRoutes);
});
afterAll(() => server.stop());

const get = (path: string): Promise<number> => server.get(path);
const counted = (): number => server.counted();

test.each(HOSTILE.map(([glob, path, excluded]) => [glob, path.length, excluded, path] as const))(
  '%s against a %i-character path (excluded: %s): the event loop is never blocked over 20 ms',
  async (_glob, _length, excluded, path) => {
    const before = counted();
    let status = 0;
    const blockedMs = await leastLoopBlockMs(async () => {
      status = await get(path);
    }, 20);
    expect(status).toBe(404);
    expect(blockedMs).toBeLessThanOrEqual(20);
    // Excluded paths are not counted; the rest are, once per attempt.
    if (excluded) expect(counted()).toBe(before);
    else expect(counted()).toBeGreaterThan(before);
  },
);

test('ordinary traffic is still measured and excluded paths still skipped', async () => {
  const before = counted();
  expect(await get('/api/items/7')).toBe(200);
  expect(await get('/assets/app.1f2e.min.js')).toBe(404);
  expect(await get('/deep/er/still/x')).toBe(404);
  expect(counted()).toBe(before + 1);
});
