import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildApp } from '../package/child-app';
import {
  makeAppDir,
  removeAppDir,
  repoRoot,
  requestCounts,
  scrape,
  send,
  startApp,
  workspaceModules,
} from '../package/child-app';

// Route templates in apps laid out as users lay them out: route modules (routers with parameters,
// nested mounts, a sub-application, async handlers) imported or required before createPulse(),
// ESM and CommonJS, Express 4 and 5, each app run by plain Node against the built package.

const fixtures = join(__dirname, 'route-templates-apps');
const EXPRESS = [
  ['Express 4', join(workspaceModules, 'express')],
  ['Express 5', join(workspaceModules, 'express5')],
] as const;
const FLAVOURS = [
  ['ESM', 'esm', '--import'],
  ['CommonJS', 'cjs', '--require'],
] as const;

const LAYOUT_REQUESTS: [string, string][] = [
  ['GET', '/api/v1/items'],
  ['GET', '/api/v2/items'],
  ['POST', '/api/v1/items'],
  ['GET', '/api/v1/items/42'],
  ['GET', '/api/v3/items/43'],
  ['GET', '/api/v1/items/42/reviews/7'],
  ['GET', '/api/v1/items/42/fail'],
  ['GET', '/api/v1/status'],
  ['GET', '/admin/users/9'],
  ['GET', '/admin/users/10'],
  ['GET', '/nowhere'],
];
const LAYOUT_SERIES = {
  'GET /api/:version/items 200': 2,
  'POST /api/:version/items 201': 1,
  'GET /api/:version/items/:itemId 200': 2,
  'GET /api/:version/items/:itemId/reviews/:reviewId 200': 1,
  'GET /api/:version/items/:itemId/fail 500': 1,
  'GET /api/:version/status 200': 1,
  'GET /admin/users/:userId 200': 2,
  'GET (unmatched) 404': 1,
};

const HIDDEN_ROUTER_REQUESTS: [string, string][] = [
  ['GET', '/items/42'],
  ['GET', '/items/42/reviews/7'],
  ['GET', '/status'],
  ['GET', '/nowhere'],
];

describe.each(EXPRESS)('apps on %s', (_express, expressDir) => {
  describe.each(FLAVOURS)('%s', (_flavour, folder, preloadFlag) => {
    let dir: string;
    let app: ChildApp | undefined;

    beforeAll(() => {
      dir = makeAppDir(join(fixtures, folder), {
        express: expressDir,
        '@pulse-apm/exporter': join(repoRoot, 'exporter'),
      });
    });
    afterEach(async () => {
      await app?.stop();
      app = undefined;
    });
    afterAll(() => removeAppDir(dir));

    async function run(file: string, requests: [string, string][], options = {}) {
      app = await startApp(dir, file, options);
      await send(app.baseUrl, requests);
      return { series: requestCounts(await scrape(app.metricsUrl)), stderr: app.stderr() };
    }

    it('templates routes from modules loaded before createPulse(), mount paths included', async () => {
      expect(await run('app.js', LAYOUT_REQUESTS)).toEqual({ series: LAYOUT_SERIES, stderr: '' });
    });

    it('templates them when Pulse did not find express (created first, started elsewhere, app never mounted)', async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'pulse-cwd-'));
      try {
        const result = await run('app-metrics-port.js', LAYOUT_REQUESTS, { cwd: elsewhere });
        expect(result).toEqual({ series: LAYOUT_SERIES, stderr: '' });
      } finally {
        removeAppDir(elsewhere);
      }
    });

    it('labels routes it cannot see "(untemplated)<route path>" and warns once, naming the preload', async () => {
      const { series, stderr } = await run('app-router-per-request.js', HIDDEN_ROUTER_REQUESTS);
      expect(series).toEqual({
        'GET (untemplated)/:itemId 200': 1,
        'GET (untemplated)/:reviewId 200': 1,
        'GET (untemplated)/status 200': 1,
        'GET (unmatched) 404': 1,
      });
      expect(stderr.match(/PULSE_UNTEMPLATED_ROUTE/g)).toHaveLength(1);
      expect(stderr).toContain(`${preloadFlag} @pulse-apm/exporter/register`);
    });

    it(`templates those routes too when started with ${preloadFlag} @pulse-apm/exporter/register`, async () => {
      const result = await run('app-router-per-request.js', HIDDEN_ROUTER_REQUESTS, {
        nodeArgs: [preloadFlag, '@pulse-apm/exporter/register'],
      });
      expect(result).toEqual({
        series: {
          'GET /items/:itemId 200': 1,
          'GET /items/:itemId/reviews/:reviewId 200': 1,
          'GET /status 200': 1,
          'GET (unmatched) 404': 1,
        },
        stderr: '',
      });
    });
  });
});
