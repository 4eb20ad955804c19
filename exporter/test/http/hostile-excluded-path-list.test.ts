/**
 * A whole list of `http.excludePaths` globs against hostile paths. Each glob alone may be matched
 * in linear time and still cost milliseconds per 64 KB path; an app excluding its assets, source
 * maps and probes has many globs opening with `/**` that every path goes through, so a crafted
 * path pays for all of them in one synchronous stretch of the middleware. The event loop must
 * never be blocked more than 20 ms by one such request (measured with perf_hooks, not timed), and
 * the globs must still exclude what they match.
 */
import { leastLoopBlockMs } from '../support/loop-block';
import { fill64k as fill, startHostilePathServer, type HostilePathServer } from './support/hostile-path-server';
import { assetRoutes, FRONT_END_EXCLUDES } from './fixtures/asset-routes';

/** [what it is, path, excluded?]: each keeps every `/**` glob's automaton busy to the last character. */
const HOSTILE: [string, string, boolean][] = [
  ['slashes only', fill('', '/'), false],
  ['deep one-letter segments', fill('', '/a'), false],
  ['deep segments of dots', fill('', '/a.'), false],
  ['deep internal segments', fill('', '/internal/x'), true],
  ['deep segments ending in a map', fill('', '/a.js', '.map'), true],
  ['deep favicon-like segments', fill('', '/favicon.', '/favicon.ico/'), true],
];

let server: HostilePathServer;
beforeAll(async () => {
  server = await startHostilePathServer('front-end-excludes', FRONT_END_EXCLUDES, assetRoutes);
});
afterAll(() => server.stop());

const get = (path: string): Promise<number> => server.get(path);
const counted = (): number => server.counted();

test.each(HOSTILE.map(([what, path, excluded]) => [what, path.length, excluded, path] as const))(
  `%s, %i characters (excluded: %s), against ${FRONT_END_EXCLUDES.length} globs: the event loop is never blocked over 20 ms`,
  async (_what, _length, excluded, path) => {
    const before = counted();
    let status = 0;
    const blockedMs = await leastLoopBlockMs(async () => {
      status = await get(path);
    }, 20);
    expect(status).toBe(404);
    expect(blockedMs).toBeLessThanOrEqual(20);
    if (excluded) expect(counted()).toBe(before);
    else expect(counted()).toBeGreaterThan(before);
  },
);

test('ordinary traffic is measured, assets and probes are not', async () => {
  const before = counted();
  expect(await get('/api/orders/7')).toBe(200);
  expect(await get('/assets/app.css')).toBe(404);
  expect(await get('/js/app.1f2e.js.map')).toBe(404);
  expect(await get('/svc/healthz/')).toBe(404);
  expect(await get('/static/app.1f2e.min.js')).toBe(404);
  expect(counted()).toBe(before + 1);
});
