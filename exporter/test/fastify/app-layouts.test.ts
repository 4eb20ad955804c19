import { join } from 'node:path';
import type { ChildApp } from '../package/child-app';
import { makeAppDir, removeAppDir, repoRoot, requestCounts, scrape, workspaceModules } from '../package/child-app';
import { startApp } from '../package/child-app';
import { startPrometheus } from '../support/prometheus';

// Fastify apps laid out as Fastify's docs lay them out (route files and a fastify-plugin plugin
// registered with prefixes, a nested prefixed plugin, shorthand and fastify.route, versioned
// routes, async handlers), ESM and CommonJS, Fastify 4 and 5, each run by plain Node against the
// built package; then a real Prometheus scrapes one and sees every request sent.

jest.setTimeout(60_000);

const fixtures = join(__dirname, 'apps');
const FASTIFY = [
  ['Fastify 4', join(workspaceModules, 'fastify4')],
  ['Fastify 5', join(workspaceModules, 'fastify')],
] as const;
const FLAVOURS = [
  ['ESM', 'esm'],
  ['CommonJS', 'cjs'],
] as const;

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
const REQUESTS: Sent[] = [
  { method: 'GET', path: '/api/items' },
  { method: 'GET', path: '/api/items/' },
  { method: 'GET', path: '/api/items/41' },
  { method: 'GET', path: '/api/items/42' },
  { method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json' }, body: '{"name":"pen"}' },
  { method: 'GET', path: '/api/items/42/reviews/7' },
  { method: 'GET', path: '/api/items/42/fail' },
  { method: 'GET', path: '/admin/users/9' },
  { method: 'GET', path: '/status', headers: { 'accept-version': '1.x' } },
  { method: 'GET', path: '/status', headers: { 'accept-version': '2.x' } },
  { method: 'GET', path: '/nowhere/1' },
  { method: 'GET', path: '/nowhere/2' },
];
const SERIES = {
  'GET /api/items 200': 2,
  'GET /api/items/:itemId 200': 2,
  'POST /api/items 201': 1,
  'GET /api/items/:itemId/reviews/:reviewId 200': 1,
  'GET /api/items/:itemId/fail 500': 1,
  'GET /admin/users/:userId 200': 1,
  'GET /status 200': 2,
  'GET (unmatched) 404': 2,
};

async function sendAll(baseUrl: string): Promise<number[]> {
  const statuses: number[] = [];
  for (const r of REQUESTS) {
    const res = await fetch(baseUrl + r.path, { method: r.method, headers: r.headers, body: r.body });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

describe.each(FASTIFY)('apps on %s', (_fastify, fastifyDir) => {
  describe.each(FLAVOURS)('%s', (_flavour, folder) => {
    let dir: string;
    let app: ChildApp | undefined;

    beforeAll(() => {
      dir = makeAppDir(join(fixtures, folder), {
        fastify: fastifyDir,
        'fastify-plugin': join(workspaceModules, 'fastify-plugin'),
        '@pulse-apm/exporter': join(repoRoot, 'exporter'),
      });
    });
    afterEach(async () => {
      await app?.stop();
      app = undefined;
    });
    afterAll(() => removeAppDir(dir));

    it('labels every request with its route template, prefixes included, and serves /metrics', async () => {
      app = await startApp(dir, 'app.js');
      expect(await sendAll(app.baseUrl)).toEqual([200, 200, 200, 200, 201, 200, 500, 200, 200, 200, 404, 404]);
      const text = await scrape(app.metricsUrl);
      expect(requestCounts(text)).toEqual(SERIES);
      expect(text).toMatch(/^pulse_errors_total\{error_type="internal",http_route="\/api\/items\/:itemId\/fail"\} 1$/m);
      expect(app.stderr()).toBe('');
    });
  });
});

describe('a real Prometheus scraping a Fastify 5 app', () => {
  it('sees exactly the requests sent, per route template', async () => {
    const dir = makeAppDir(join(fixtures, 'esm'), {
      fastify: join(workspaceModules, 'fastify'),
      'fastify-plugin': join(workspaceModules, 'fastify-plugin'),
      '@pulse-apm/exporter': join(repoRoot, 'exporter'),
    });
    const app = await startApp(dir, 'app.js');
    const port = new URL(app.baseUrl).port;
    const prom = await startPrometheus({ targets: [{ job: 'fastify-app', address: `127.0.0.1:${port}` }] });
    try {
      await sendAll(app.baseUrl);
      await new Promise((r) => setTimeout(r, 50)); // the last response is recorded
      await prom.waitForScrapes('fastify-app', 2);
      const total = await prom.query('sum(http_server_request_duration_seconds_count{job="fastify-app"})');
      expect(total[0]?.value).toBe(REQUESTS.length);
      const byRoute = await prom.query(
        'sum by (http_route) (http_server_request_duration_seconds_count{job="fastify-app", http_route=~"/api/items/:itemId.*"})',
      );
      expect(Object.fromEntries(byRoute.map((s) => [s.metric.http_route, s.value]))).toEqual({
        '/api/items/:itemId': 2,
        '/api/items/:itemId/reviews/:reviewId': 1,
        '/api/items/:itemId/fail': 1,
      });
    } finally {
      await prom.stop();
      await app.stop();
      removeAppDir(dir);
    }
  });
});
