/**
 * Hostile input against `pulse.fastify()` on Fastify 4 and 5, over real connections to real
 * servers on 127.0.0.1: 64 KB paths (unmatched, in a route parameter, in a wildcard, over
 * Fastify's maxParamLength, undecodable), 64 KB query strings, junk and unknown methods, huge and
 * malformed `traceparent` headers, header floods, and paths that differ from Pulse's endpoints
 * only by case, trailing slash or encoding. Each request is counted exactly once under its route
 * template or (unmatched), never with a raw value in a label; perf_hooks watches the event loop,
 * which must never be blocked over 20 ms (best of a few runs: a shared machine delays one now
 * and then, a stall blocks every time); and the app keeps answering.
 */
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { labelValues, parseSamples, sampleSum, sleep } from '../support/app';
import { leastLoopBlockMs } from '../support/loop-block';
import { FASTIFY_VERSIONS } from './fastify-versions';
import type { FastifyFactory } from './fastify-versions';
import type { FastifyApp, RawResponse } from './support/server';
import { fastifyWithLargeHeaders, listenOnLoopback, rawRequest } from './support/server';

jest.setTimeout(60_000);

const COUNT = 'http_server_request_duration_seconds_count';
const KB64 = 64 * 1024;
const LOOP_LIMIT_MS = 20;
const TEMPLATES = ['/api/items/:itemId', '/api/files/*', '/api/a/:a/b/:b/c/:c/d/:d/e/:e', '/any/:id', '(unmatched)'];
const METHODS = ['GET', 'HEAD', 'POST', '_OTHER'];
const settle = (): Promise<void> => sleep(20);

/** Routes in a plugin of their own, registered with a prefix, as Fastify apps are split. */
async function apiRoutes(api: FastifyInstance): Promise<void> {
  api.get('/items/:itemId', async (req) => ({ length: (req.params as { itemId: string }).itemId.length }));
  api.get('/files/*', async () => 'file');
  api.get('/a/:a/b/:b/c/:c/d/:d/e/:e', async (req) => Object.keys(req.params as object).length);
}

describe.each(FASTIFY_VERSIONS)('%s', (name, Fastify: FastifyFactory) => {
  let pulse: Pulse;
  /** maxParamLength raised to 128 KB, as apps taking long ids do. */
  let app: FastifyApp;
  /** Fastify's defaults: parameters over 100 characters do not match. */
  let strict: FastifyApp;
  let port: number;
  let strictPort: number;

  beforeAll(async () => {
    pulse = createPulse({
      serviceName: 'fastify-hostile',
      metrics: { registry: new Registry(), defaultMetrics: false },
      runtime: { enabled: false },
      deps: { enabled: false },
    });
    app = fastifyWithLargeHeaders(Fastify, { maxParamLength: 128 * 1024 });
    strict = fastifyWithLargeHeaders(Fastify);
    for (const a of [app, strict]) {
      await a.register(pulse.fastify());
      await a.register(apiRoutes, { prefix: '/api' });
      a.all('/any/:id', async () => 'any');
    }
    port = await listenOnLoopback(app);
    strictPort = await listenOnLoopback(strict);
  });

  afterAll(async () => {
    await app.close();
    await strict.close();
    await pulse.shutdown();
  });

  const metrics = (): Promise<string> => pulse.renderMetrics();
  const counted = async (labels: Record<string, string> = {}): Promise<number> =>
    sampleSum(await metrics(), COUNT, labels);

  /** Sends the request until the loop was never blocked over the limit (at most 5 times). */
  async function sendWatched(
    send: () => Promise<RawResponse>,
  ): Promise<{ res: RawResponse; sent: number; blockedMs: number }> {
    let res: RawResponse | undefined;
    let sent = 0;
    const blockedMs = await leastLoopBlockMs(async () => {
      sent++;
      res = await send();
    }, LOOP_LIMIT_MS);
    return { res: res!, sent, blockedMs };
  }

  /** Every label value of every sample, in both exposition formats (OpenMetrics has the exemplars). */
  async function everyLabelText(): Promise<string> {
    const texts = [await pulse.renderMetrics('prometheus'), await pulse.renderMetrics('openmetrics')];
    return texts.join('\n');
  }

  /** The HTTP series name nothing but templates and known methods. */
  async function expectOnlyBoundedLabels(): Promise<void> {
    const text = await metrics();
    expect(labelValues(text, COUNT, 'http_route').filter((r) => !TEMPLATES.includes(r))).toEqual([]);
    expect(labelValues(text, COUNT, 'http_request_method').filter((m) => !METHODS.includes(m))).toEqual([]);
    const longest = Math.max(...parseSamples(text).flatMap((s) => Object.values(s.labels).map((v) => v.length)));
    expect(longest).toBeLessThan(100);
  }

  async function appStillAnswers(): Promise<void> {
    const res = await rawRequest(port, 'GET', '/api/items/ok');
    expect([res.status, res.body]).toEqual([200, '{"length":2}']);
  }

  // Fastify 5 answers a parameter over maxParamLength with 414 before running any hook; Fastify 4
  // finds no route and runs its 404 handler.
  const overParamLength = name === 'Fastify 4' ? 404 : 414;

  const PATHS: [what: string, server: 'app' | 'strict', path: string, status: number, route: string][] = [
    ['unmatched', 'app', '/' + 'a/'.repeat(KB64 / 2), 404, '(unmatched)'],
    ['in a route parameter', 'app', '/api/items/' + 'x'.repeat(KB64), 200, '/api/items/:itemId'],
    [
      'in a parameter, of colons and encoded slashes',
      'app',
      '/api/items/' + ':%2F'.repeat(KB64 / 4),
      200,
      '/api/items/:itemId',
    ],
    ['in a wildcard', 'app', '/api/files/' + 'x/'.repeat(KB64 / 2), 200, '/api/files/*'],
    [
      'in five parameters',
      'app',
      '/api/a/' + ['b', 'c', 'd', 'e', ''].map((s) => 'x'.repeat(KB64 / 5) + (s && `/${s}/`)).join(''),
      200,
      '/api/a/:a/b/:b/c/:c/d/:d/e/:e',
    ],
    [
      "over Fastify's default maxParamLength",
      'strict',
      '/api/items/' + 'x'.repeat(KB64),
      overParamLength,
      '(unmatched)',
    ],
    ['that Fastify cannot decode', 'app', '/api/items/' + '%E0%A4%A'.repeat(KB64 / 8), 400, '(unmatched)'],
    [
      'with a 64 KB query string of 13,000 parameters',
      'app',
      '/api/items/7?' + 'a=x&'.repeat(KB64 / 4),
      200,
      '/api/items/:itemId',
    ],
  ];

  it.each(
    PATHS.map(([what, server, path, status, route]) => [what, path.length, status, route, server, path] as const),
  )(
    'a path %s (%i characters): %i, counted once per request under %s, no raw value, loop never blocked over 20 ms',
    async (_what, _length, status, route, server, path) => {
      const labels = { http_route: route, http_response_status_code: String(status) };
      const before = await counted(labels);
      const total = await counted();
      const { res, sent, blockedMs } = await sendWatched(() =>
        rawRequest(server === 'app' ? port : strictPort, 'GET', path),
      );
      expect(res.status).toBe(status);
      expect(blockedMs).toBeLessThanOrEqual(LOOP_LIMIT_MS);
      await settle();
      expect(await counted(labels)).toBe(before + sent);
      expect(await counted()).toBe(total + sent);
      await expectOnlyBoundedLabels();
      await appStillAnswers();
    },
  );

  it('folds unknown methods into _OTHER; methods node:http refuses never reach a label; the app keeps answering', async () => {
    const before = await counted({ http_request_method: '_OTHER' });
    const total = await counted();
    // Methods node:http parses (WebDAV, PURGE): through Fastify's router or its 404 handler.
    const known = ['PROPFIND', 'PURGE', 'MKCOL', 'SEARCH'];
    for (const method of known) {
      const res = await rawRequest(port, method, '/any/1');
      expect([method, [200, 404].includes(res.status)]).toEqual([method, true]);
    }
    // Methods node:http refuses before Fastify sees a request: answered 400 or closed.
    for (const method of ['FOO', 'X'.repeat(100), 'GETS']) {
      const status = await rawRequest(port, method, '/any/1').then(
        (r) => r.status,
        () => 0,
      );
      expect([method, [0, 400].includes(status)]).toEqual([method, true]);
    }
    await settle();
    expect(await counted({ http_request_method: '_OTHER' })).toBe(before + known.length);
    expect(await counted()).toBe(total + known.length);
    const text = await everyLabelText();
    for (const junk of ['PROPFIND', 'PURGE', 'FOO', 'XXXXXXXX'])
      expect([junk, text.includes(junk)]).toEqual([junk, false]);
    await expectOnlyBoundedLabels();
    await appStillAnswers();
  });

  const VALID_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const TRACEPARENTS: [what: string, value: string | string[]][] = [
    ['64 KB long', `00-${VALID_TRACE}-00f067aa0ba902b7-01` + '-a'.repeat(KB64 / 2)],
    ['64 KB of hex', '00-' + 'a'.repeat(KB64)],
    ['in upper case', `00-${VALID_TRACE.toUpperCase()}-00F067AA0BA902B7-01`],
    ['of version ff', `ff-${VALID_TRACE}-00f067aa0ba902b7-01`],
    ['with an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['with a label-breaking trace id', `00-${'"}'.repeat(16)}-00f067aa0ba902b7-01`],
    ['sent twice', [`00-${VALID_TRACE}-00f067aa0ba902b7-01`, `00-${VALID_TRACE}-00f067aa0ba902b7-01`]],
  ];

  it.each(TRACEPARENTS)(
    'a traceparent %s is not trusted: a fresh trace id, counted under the route, loop never blocked over 20 ms',
    async (_what, traceparent) => {
      const before = await counted({ http_route: '/api/items/:itemId' });
      const { res, sent, blockedMs } = await sendWatched(() =>
        rawRequest(port, 'GET', '/api/items/1', { traceparent }),
      );
      expect(res.status).toBe(200);
      expect(blockedMs).toBeLessThanOrEqual(LOOP_LIMIT_MS);
      expect(res.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(res.headers['x-trace-id']).not.toBe(VALID_TRACE);
      await settle();
      expect(await counted({ http_route: '/api/items/:itemId' })).toBe(before + sent);
      const text = await everyLabelText();
      expect(text).not.toContain('aaaaaaaaaaaaaaaa');
      expect(text).not.toContain(VALID_TRACE.toUpperCase());
      await expectOnlyBoundedLabels();
    },
  );

  it('continues a valid traceparent (the control for the cases above)', async () => {
    const res = await rawRequest(port, 'GET', '/api/items/1', {
      traceparent: `00-${VALID_TRACE}-00f067aa0ba902b7-01`,
    });
    expect(res.headers['x-trace-id']).toBe(VALID_TRACE);
  });

  const FLOODS: [what: string, headers: Record<string, string>][] = [
    // node:http refuses more itself on Node 22 and 24 (431), and past 2,000 drops the rest, Host included (400).
    ['900 headers', Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`x-flood-${i}`, 'v']))],
    ['a 64 KB header', { 'x-flood': 'x'.repeat(KB64) }],
    ['a 64 KB cookie and user agent', { cookie: 'a=' + 'b'.repeat(KB64 / 2), 'user-agent': 'u'.repeat(KB64 / 2) }],
    ['a content-length of 0 and a 64 KB accept-version', { 'content-length': '0', 'accept-version': 'x'.repeat(KB64) }],
  ];

  it.each(FLOODS)('%s: answered, counted under the route, loop never blocked over 20 ms', async (_what, headers) => {
    const before = await counted({ http_route: '/api/items/:itemId', http_response_status_code: '200' });
    const { res, sent, blockedMs } = await sendWatched(() => rawRequest(port, 'GET', '/api/items/1', headers));
    expect(res.status).toBe(200);
    expect(blockedMs).toBeLessThanOrEqual(LOOP_LIMIT_MS);
    await settle();
    expect(await counted({ http_route: '/api/items/:itemId', http_response_status_code: '200' })).toBe(before + sent);
    expect(await everyLabelText()).not.toContain('xxxxxxxxxxxxxxxx');
    await expectOnlyBoundedLabels();
  });

  it("a 64 KB Accept header on Pulse's /metrics: answered in the format it names, uncounted, loop never blocked over 20 ms", async () => {
    const total = await counted();
    const accept = 'text/plain;q=0.1,'.repeat(KB64 / 17) + 'application/openmetrics-text';
    const { res, blockedMs } = await sendWatched(() => rawRequest(port, 'GET', '/metrics', { accept }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/openmetrics-text/);
    expect(blockedMs).toBeLessThanOrEqual(LOOP_LIMIT_MS);
    await settle();
    expect(await counted()).toBe(total);
  });

  // Pulse answers its endpoints as Express routes them: in any case, with or without one trailing
  // slash, with any query string. Anything else is the app's: routed by Fastify (which decodes
  // `%6D`), counted, and here matched by no route.
  const LOOKALIKES: [path: string, servedByPulse: boolean][] = [
    ['/METRICS', true],
    ['/Metrics/', true],
    ['/health/LIVE', true],
    ['/health/ready/', true],
    ['/metrics?' + 'x=1&'.repeat(KB64 / 4), true],
    ['/health?verbose=' + '1'.repeat(KB64), true],
    ['/%6Detrics', false],
    ['/metrics%2F', false],
    ['/metrics//', false],
    ['//metrics', false],
    ['/metrics/.', false],
    ['/metrics;x', false],
    ['/healthz', false],
    ['/health/live/x', false],
    ['/METRICS' + '/'.repeat(KB64), false],
    ['/' + 'metrics/'.repeat(KB64 / 8), false],
  ];

  it.each(
    LOOKALIKES.map(
      ([path, served]) => [path.length > 40 ? path.slice(0, 24) + '…' : path, path.length, served, path] as const,
    ),
  )(
    "%s (%i characters), like one of Pulse's endpoints (served by Pulse: %s): served unmeasured or counted (unmatched), loop never blocked over 20 ms",
    async (_shown, _length, served, path) => {
      const unmatched = await counted({ http_route: '(unmatched)', http_response_status_code: '404' });
      const total = await counted();
      const { res, sent, blockedMs } = await sendWatched(() => rawRequest(port, 'GET', path));
      expect(blockedMs).toBeLessThanOrEqual(LOOP_LIMIT_MS);
      await settle();
      if (served) {
        expect(res.status).toBe(200);
        expect(await counted()).toBe(total);
      } else {
        expect(res.status).toBe(404);
        expect(await counted({ http_route: '(unmatched)', http_response_status_code: '404' })).toBe(unmatched + sent);
        expect(await counted()).toBe(total + sent);
      }
      await expectOnlyBoundedLabels();
      await appStillAnswers();
    },
  );
});
