import http from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { createPulse, currentContext } from '../../src/index';
import type { Pulse } from '../../src/index';
import { listen, sampleSum, sampleValue, sleep } from '../support/app';
import type { RunningApp } from '../support/app';

const COUNT = 'http_server_request_duration_seconds_count';

describe('HTTP middleware', () => {
  let pulse: Pulse;
  let running: RunningApp;
  const seenContexts: { traceId?: string; route?: string; later?: string }[] = [];
  let releaseSlow: () => void = () => undefined;

  beforeAll(async () => {
    pulse = createPulse({
      serviceName: 'mw-test',
      http: { express, excludePaths: ['/internal/*'] },
      metrics: { registry: new Registry(), defaultMetrics: false },
    });
    const app = express();
    app.use(pulse.middleware());
    app.use(express.json());
    app.get('/ctx/:id', async (_req, res) => {
      const ctx = currentContext();
      await sleep(5);
      seenContexts.push({ traceId: ctx?.traceId, route: ctx?.route, later: currentContext()?.traceId });
      res.json({ traceId: ctx?.traceId });
    });
    app.get('/slow', (_req, res) => {
      releaseSlow = () => res.send('done');
    });
    app.get('/wait150', (_req, res) => setTimeout(() => res.send('waited'), 150));
    app.get('/hang', () => {
      // never answers: the client will give up
    });
    app.post('/echo', (req, res) => res.json(req.body));
    app.get('/internal/ping', (_req, res) => res.send('pong'));
    app.all('/any', (_req, res) => res.send('any'));
    app.use((_req, res) => res.status(404).send('nf'));
    pulse.mount(app); // after the 404 handler on purpose: Pulse's endpoints must still answer
    running = await listen(app);
  });

  afterAll(async () => {
    await running.close();
    await pulse.shutdown();
  });

  const metrics = (): Promise<string> => pulse.renderMetrics();
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('gives each request a trace id, in a response header and in the context of async code', async () => {
    const res = await fetch(`${running.baseUrl}/ctx/1`);
    const body = (await res.json()) as { traceId: string };
    expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(body.traceId).toBe(res.headers.get('x-trace-id'));
    const seen = seenContexts.at(-1)!;
    expect(seen).toEqual({ traceId: body.traceId, route: '/ctx/:id', later: body.traceId });
  });

  it('continues the trace of a valid incoming traceparent and ignores a malformed one', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const valid = await fetch(`${running.baseUrl}/ctx/2`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(valid.headers.get('x-trace-id')).toBe(traceId);
    const malformed = await fetch(`${running.baseUrl}/ctx/3`, { headers: { traceparent: `00-${traceId}-zz-01` } });
    expect(malformed.headers.get('x-trace-id')).not.toBe(traceId);
    expect(malformed.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('attaches the trace id as an exemplar for OpenMetrics scrapes', async () => {
    const res = await fetch(`${running.baseUrl}/ctx/4`);
    await res.arrayBuffer();
    await tick();
    const om = await pulse.renderMetrics('openmetrics');
    expect(om).toContain(`trace_id="${res.headers.get('x-trace-id')}"`);
    expect(om.endsWith('# EOF\n')).toBe(true);
  });

  it('folds unknown methods into _OTHER', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${running.baseUrl}/any`, { method: 'PROPFIND' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await tick();
    expect(sampleValue(await metrics(), COUNT, { http_request_method: '_OTHER', http_route: '/any' })).toBe(1);
  });

  it('does not measure excluded paths or its own endpoints', async () => {
    await (await fetch(`${running.baseUrl}/internal/ping`)).text();
    await (await fetch(`${running.baseUrl}/metrics`)).text();
    await tick();
    const text = await metrics();
    expect(text).not.toMatch(/http_route="\/internal/);
    expect(text).not.toMatch(/http_route="\/metrics"/);
  });

  it('serves /metrics even though a 404 handler was registered before mount()', async () => {
    const res = await fetch(`${running.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE http_server_request_duration_seconds histogram');
  });

  it('tracks requests in flight', async () => {
    const pending = fetch(`${running.baseUrl}/slow`);
    await sleep(50);
    expect(sampleValue(await metrics(), 'http_server_active_requests', { http_request_method: 'GET' })).toBe(1);
    releaseSlow();
    await (await pending).text();
    await tick();
    expect(sampleValue(await metrics(), 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });

  it('counts a request whose client hung up, as aborted', async () => {
    const before = sampleSum(await metrics(), COUNT, { http_route: '/hang', error_type: 'aborted' });
    await new Promise<void>((resolve) => {
      const req = http.get(`${running.baseUrl}/hang`);
      req.on('error', () => resolve());
      setTimeout(() => req.destroy(), 50);
    });
    await sleep(50);
    const text = await metrics();
    expect(sampleSum(text, COUNT, { http_route: '/hang', error_type: 'aborted' })).toBe(before + 1);
    expect(sampleValue(text, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(0);
  });

  it('observes request and response body sizes from Content-Length', async () => {
    const payload = JSON.stringify({ text: 'x'.repeat(1000) });
    const res = await fetch(`${running.baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    const echoed = await res.text();
    await tick();
    const text = await metrics();
    const labels = { http_request_method: 'POST', http_route: '/echo' };
    expect(sampleValue(text, 'http_server_request_body_size_bytes_sum', labels)).toBe(Buffer.byteLength(payload));
    expect(sampleValue(text, 'http_server_response_body_size_bytes_sum', labels)).toBe(Buffer.byteLength(echoed));
  });

  it('measures duration from the start of the request', async () => {
    await (await fetch(`${running.baseUrl}/wait150`)).text();
    await tick();
    const text = await metrics();
    const labels = { http_route: '/wait150' };
    expect(sampleValue(text, COUNT, labels)).toBe(1);
    const sum = sampleValue(text, 'http_server_request_duration_seconds_sum', labels)!;
    expect(sum).toBeGreaterThanOrEqual(0.149); // the server held the response 150 ms
    expect(sum).toBeLessThan(5);
    // Cumulative buckets: nothing at or under 0.1 s, the request by +Inf.
    expect(sampleValue(text, 'http_server_request_duration_seconds_bucket', { ...labels, le: '0.1' })).toBe(0);
    expect(sampleValue(text, 'http_server_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(1);
  });
});

describe('metrics on a separate admin app', () => {
  it('serves /metrics only where mount() was called', async () => {
    const pulse = createPulse({
      serviceName: 'split',
      http: { express },
      metrics: { registry: new Registry(), defaultMetrics: false },
    });
    const app = express();
    app.use(pulse.middleware());
    app.get('/hello', (_req, res) => res.send('hi'));
    const admin = express();
    pulse.mount(admin);
    const [main, adm] = await Promise.all([listen(app), listen(admin)]);
    try {
      expect((await fetch(`${main.baseUrl}/metrics`)).status).toBe(404);
      const res = await fetch(`${adm.baseUrl}/metrics`);
      expect(res.status).toBe(200);
      await (await fetch(`${main.baseUrl}/hello`)).text();
      await new Promise((r) => setImmediate(r));
      expect(sampleValue(await (await fetch(`${adm.baseUrl}/metrics`)).text(), COUNT, { http_route: '/hello' })).toBe(
        1,
      );
    } finally {
      await Promise.all([main.close(), adm.close()]);
      await pulse.shutdown();
    }
  });
});
