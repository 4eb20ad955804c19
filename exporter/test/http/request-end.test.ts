import http from 'node:http';
import net from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { listen, sampleSum, sampleValue, sleep } from '../support/app';
import type { RunningApp } from '../support/app';

// The HTTP signal learns of a response's end from node:http's diagnostics channels and from
// one 'close' listener per connection, with a per-response listener only as the fallback.
// Each path must count every request exactly once, with the right route and status.

const COUNT = 'http_server_request_duration_seconds_count';

/** Sends raw HTTP/1.1 over one socket; resolves with everything the server wrote once it closes. */
function rawExchange(port: number, script: (socket: net.Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => script(socket));
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('HTTP request end detection', () => {
  let pulse: Pulse;
  let running: RunningApp;
  let other: http.Server;
  // Responses parked by /deferred, answered later from a timer created outside any request.
  const parked: express.Response[] = [];
  let drain: NodeJS.Timeout;

  beforeAll(async () => {
    pulse = createPulse({
      serviceName: 'request-end-test',
      http: { express },
      metrics: { registry: new Registry(), defaultMetrics: false },
    });
    // Created before any request: callbacks of this timer run outside every request context.
    drain = setInterval(() => {
      for (const res of parked.splice(0)) res.status(202).send('later');
    }, 20);
    const app = express();
    app.use(pulse.middleware());
    app.get('/ok/:id', (_req, res) => res.send('ok'));
    app.get('/deferred', (_req, res) => void parked.push(res));
    app.get('/hang', () => undefined);
    app.get('/older', (_req, res) => setTimeout(() => res.status(201).send('older'), 80));
    app.get('/newer', (_req, res) => setTimeout(() => res.status(202).send('newer'), 300));
    running = await listen(app);
    // A second server in the same process that Pulse does not measure.
    other = http.createServer((_req, res) => res.end('other'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    clearInterval(drain);
    await running.close();
    await new Promise((r) => other.close(r));
    await pulse.shutdown();
  });

  const metrics = (): Promise<string> => pulse.renderMetrics();
  const port = (): number => Number(new URL(running.baseUrl).port);

  it('counts keep-alive requests once each, and the hang-up of a later request on the same connection as aborted', async () => {
    const before = await metrics();
    const okBefore = sampleSum(before, COUNT, { http_route: '/ok/:id', http_response_status_code: '200' });
    const abortedBefore = sampleSum(before, COUNT, { http_route: '/hang', error_type: 'aborted' });
    const received = await rawExchange(port(), (socket) => {
      socket.write('GET /ok/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /ok/2 HTTP/1.1\r\nHost: x\r\n\r\n');
      setTimeout(() => socket.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\n'), 30);
      setTimeout(() => socket.destroy(), 80);
    });
    expect(received.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    await sleep(20);
    const after = await metrics();
    expect(sampleSum(after, COUNT, { http_route: '/ok/:id', http_response_status_code: '200' })).toBe(okBefore + 2);
    expect(sampleSum(after, COUNT, { http_route: '/hang', error_type: 'aborted' })).toBe(abortedBefore + 1);
    expect(sampleValue(after, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });

  it('attributes overlapping responses that end out of order to their own requests', async () => {
    // The older request ends first, while the newer one is the newest in flight: its end must be
    // matched to the request that ended, not to the newest one.
    const olderLabels = { http_route: '/older', http_response_status_code: '201' };
    const newerLabels = { http_route: '/newer', http_response_status_code: '202' };
    let text = await metrics();
    const beforeOlder = sampleSum(text, COUNT, olderLabels);
    const beforeNewer = sampleSum(text, COUNT, newerLabels);
    const older = fetch(`${running.baseUrl}/older`);
    await sleep(20);
    const newer = fetch(`${running.baseUrl}/newer`);
    await (await older).text();
    await sleep(10);
    text = await metrics();
    expect(sampleSum(text, COUNT, olderLabels)).toBe(beforeOlder + 1);
    expect(sampleSum(text, COUNT, newerLabels)).toBe(beforeNewer);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(1);
    await (await newer).text();
    await sleep(10);
    text = await metrics();
    expect(sampleSum(text, COUNT, newerLabels)).toBe(beforeNewer + 1);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });

  it('records a response ended from a callback that lost the request context, with its route and status', async () => {
    const before = sampleSum(await metrics(), COUNT, { http_route: '/deferred', http_response_status_code: '202' });
    const responses = await Promise.all([1, 2, 3].map(() => fetch(`${running.baseUrl}/deferred`)));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
    await Promise.all(responses.map((r) => r.text()));
    await sleep(10);
    const text = await metrics();
    expect(sampleSum(text, COUNT, { http_route: '/deferred', http_response_status_code: '202' })).toBe(before + 3);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });

  it('ignores requests of a server it does not measure', async () => {
    const before = sampleSum(await metrics(), COUNT);
    const otherPort = (other.address() as net.AddressInfo).port;
    for (let i = 0; i < 3; i++) expect(await (await fetch(`http://127.0.0.1:${otherPort}/x`)).text()).toBe('other');
    await sleep(10);
    expect(sampleSum(await metrics(), COUNT)).toBe(before);
  });

  it("falls back to the response's own events for requests node:http did not announce", async () => {
    // A request object made by hand (as test helpers and http2 compat layers do): no
    // diagnostics-channel message came for it, so Pulse listens on the response.
    const socket = new net.Socket();
    const req = new http.IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/handmade';
    const res = new http.ServerResponse(req);
    const middleware = pulse.middleware() as unknown as (
      req: http.IncomingMessage,
      res: http.ServerResponse,
      next: () => void,
    ) => void;
    const before = sampleSum(await metrics(), COUNT, { http_route: '(unmatched)' });
    middleware(req, res, () => undefined);
    expect(res.getHeader('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    res.emit('close');
    res.emit('close'); // a second 'close' must not count twice
    const text = await metrics();
    expect(sampleSum(text, COUNT, { http_route: '(unmatched)', error_type: 'aborted' })).toBe(before + 1);
    socket.destroy();
  });

  it('stops listening to node:http at shutdown', async () => {
    const own = createPulse({ serviceName: 'shut', metrics: { registry: new Registry(), defaultMetrics: false } });
    const app = express();
    app.use(own.middleware());
    app.get('/x', (_req, res) => res.send('x'));
    const server = await listen(app);
    await (await fetch(`${server.baseUrl}/x`)).text();
    await sleep(10);
    const counted = sampleSum(await own.renderMetrics(), COUNT, { http_route: '/x' });
    expect(counted).toBe(1);
    await own.shutdown();
    await (await fetch(`${server.baseUrl}/x`)).text();
    await sleep(10);
    // After shutdown the middleware falls back to per-response listeners: still no crash, no loss.
    expect(sampleSum(await own.renderMetrics(), COUNT, { http_route: '/x' })).toBe(2);
    await server.close();
  });
});
