/**
 * A whole list of `http.excludePaths` globs against hostile paths. Each glob alone may be matched
 * in linear time and still cost milliseconds per 64 KB path; an app excluding its assets, source
 * maps and probes has many globs opening with `/**` that every path goes through, so a crafted
 * path pays for all of them in one synchronous stretch of the middleware. The event loop must
 * never be blocked more than 20 ms by one such request (measured with perf_hooks, not timed), and
 * the globs must still exclude what they match.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { histogramCount } from '../deps/series';
import { leastLoopBlockMs } from '../support/loop-block';
import { assetRoutes, FRONT_END_EXCLUDES } from './fixtures/asset-routes';

const KB64 = 64 * 1024;
const fill = (prefix: string, unit: string, suffix = ''): string =>
  prefix + unit.repeat(Math.ceil((KB64 - prefix.length - suffix.length) / unit.length)) + suffix;

/** [what it is, path, excluded?]: each keeps every `/**` glob's automaton busy to the last character. */
const HOSTILE: [string, string, boolean][] = [
  ['slashes only', fill('', '/'), false],
  ['deep one-letter segments', fill('', '/a'), false],
  ['deep segments of dots', fill('', '/a.'), false],
  ['deep internal segments', fill('', '/internal/x'), true],
  ['deep segments ending in a map', fill('', '/a.js', '.map'), true],
  ['deep favicon-like segments', fill('', '/favicon.', '/favicon.ico/'), true],
];

let pulse: Pulse;
let server: http.Server;
let port: number;
beforeAll(async () => {
  pulse = createPulse({
    serviceName: 'front-end-excludes',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { enabled: false },
    health: { enabled: false },
    http: { excludePaths: FRONT_END_EXCLUDES },
  });
  const app = express();
  app.use(pulse.middleware());
  app.use(assetRoutes);
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
