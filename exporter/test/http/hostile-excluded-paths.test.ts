/**
 * `http.excludePaths` globs against hostile paths. Globs like `/assets/*.*.*.js` once compiled to
 * a backtracking RegExp, and a 1–4 KB path stalled the app for seconds. Each glob shape gets a
 * 64 KB path crafted against it, sent over a real connection to a real server, while perf_hooks
 * watches the event loop: it must never be blocked more than 20 ms. Matching paths of that size
 * must still be excluded, and the others still counted.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { histogramCount } from '../deps/series';
import { leastLoopBlockMs } from '../support/loop-block';
import { staticRoutes } from './fixtures/static-routes';

const GLOBS = [
  '/assets/*.*.*.js',
  '/files/*-*-*-*.txt',
  '/**/**/**/x',
  '/v1/*/*/*/*/*/report',
  '/**.map',
  '/x/**/y/**/z/*',
];
const KB64 = 64 * 1024;
const fill = (prefix: string, unit: string, suffix = ''): string =>
  prefix + unit.repeat(Math.ceil((KB64 - prefix.length - suffix.length) / unit.length)) + suffix;

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

let pulse: Pulse;
let server: http.Server;
let port: number;
beforeAll(async () => {
  pulse = createPulse({
    serviceName: 'hostile-globs',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { enabled: false },
    health: { enabled: false },
    http: { excludePaths: GLOBS },
  });
  const app = express();
  app.use(pulse.middleware());
  app.use(staticRoutes);
  app.use((_req, res) => void res.status(404).end());
  // Node's default 16 KB header limit would refuse these paths before the app saw them.
  server = http.createServer({ maxHeaderSize: 256 * 1024 }, app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await pulse.shutdown();
});

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false, maxHeaderSize: 256 * 1024 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

const counted = (): number => histogramCount(pulse.registry, 'http_server_request_duration_seconds');

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
