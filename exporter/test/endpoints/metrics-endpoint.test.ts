import { spawnSync } from 'node:child_process';
import express from 'express';
import * as promClient from 'prom-client';
import { createPulse } from '../../src/index';
import type { Pulse } from '../../src/index';
import { listen, sampleValue } from '../support/app';
import type { RunningApp } from '../support/app';

async function withApp<T>(
  options: Parameters<typeof createPulse>[0],
  fn: (running: RunningApp, pulse: Pulse) => Promise<T>,
): Promise<T> {
  const pulse = createPulse({ ...options, http: { express, ...options.http } });
  const app = express();
  app.use(pulse.middleware());
  app.get('/hello', (_req, res) => res.send('hi'));
  pulse.mount(app);
  const running = await listen(app);
  try {
    return await fn(running, pulse);
  } finally {
    await running.close();
    await pulse.shutdown();
  }
}

describe('GET /metrics', () => {
  it('answers Prometheus text by default and OpenMetrics when the scrape asks for it', async () => {
    await withApp(
      { serviceName: 't', metrics: { registry: new promClient.Registry(), defaultMetrics: false } },
      async ({ baseUrl }) => {
        const text = await fetch(`${baseUrl}/metrics`);
        expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
        expect(await text.text()).not.toContain('# EOF');
        // What Prometheus 2.x sends.
        const accept =
          'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
        const om = await fetch(`${baseUrl}/metrics`, { headers: { accept } });
        expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
        expect((await om.text()).endsWith('# EOF\n')).toBe(true);
      },
    );
  });

  it('requires the bearer token when one is configured', async () => {
    const opts = {
      serviceName: 't',
      metrics: { registry: new promClient.Registry(), auth: { bearerToken: 's3cret-token' } },
    };
    await withApp(opts, async ({ baseUrl }) => {
      const none = await fetch(`${baseUrl}/metrics`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(
        200,
      );
      // The app itself is not protected.
      expect((await fetch(`${baseUrl}/hello`)).status).toBe(200);
    });
  });

  it('requires basic credentials when they are configured', async () => {
    const opts = {
      serviceName: 't',
      metrics: { registry: new promClient.Registry(), auth: { username: 'prom', password: 'p@ss' } },
    };
    await withApp(opts, async ({ baseUrl }) => {
      const basic = (u: string, p: string): string => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
      expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: basic('prom', 'nope') } })).status).toBe(
        401,
      );
      expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: basic('prom', 'p@ss') } })).status).toBe(
        200,
      );
    });
  });

  it("serves the app's own prom-client metrics and the default metrics from the same registry", async () => {
    const registry = new promClient.Registry();
    const orders = new promClient.Counter({ name: 'shop_orders_total', help: 'Orders placed.', registers: [registry] });
    orders.inc(3);
    await withApp({ serviceName: 't', metrics: { registry } }, async ({ baseUrl }) => {
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      expect(sampleValue(text, 'shop_orders_total')).toBe(3);
      expect(text).toContain('# TYPE process_cpu_seconds_total counter');
      expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    });
  });

  it('leaves the default metrics out when switched off', async () => {
    await withApp(
      { serviceName: 't', metrics: { registry: new promClient.Registry(), defaultMetrics: false } },
      async ({ baseUrl }) => {
        const text = await (await fetch(`${baseUrl}/metrics`)).text();
        expect(text).not.toContain('process_cpu_seconds_total');
      },
    );
  });

  it("shows Pulse's metrics in prom-client's own register.metrics() for apps with their own endpoint", async () => {
    const registry = new promClient.Registry();
    await withApp({ serviceName: 't', metrics: { registry, defaultMetrics: false } }, async ({ baseUrl }) => {
      await (await fetch(`${baseUrl}/hello`)).text();
      await new Promise((r) => setImmediate(r));
      const theirs = await registry.metrics();
      expect(sampleValue(theirs, 'http_server_request_duration_seconds_count', { http_route: '/hello' })).toBe(1);
    });
    // shutdown() takes them out again
    expect(registry.getSingleMetric('http_server_request_duration_seconds')).toBeUndefined();
  });

  it('refuses a second Pulse instance on the same prom-client registry', () => {
    const registry = new promClient.Registry();
    const first = createPulse({ serviceName: 'a', metrics: { registry, defaultMetrics: false } });
    expect(() => createPulse({ serviceName: 'b', metrics: { registry, defaultMetrics: false } })).toThrow(
      /already has a metric named .*another Pulse instance/,
    );
    return first.shutdown();
  });

  it('writes exposition text that promtool accepts', async () => {
    const registry = new promClient.Registry();
    await withApp({ serviceName: 't', metrics: { registry } }, async ({ baseUrl }) => {
      for (const p of ['/hello', '/hello', '/missing']) await (await fetch(baseUrl + p)).text();
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(result.error).toBeUndefined();
      // promtool exits 3 for lint warnings on prom-client's own gauges named *_total (see backend.md);
      // anything it says must be about those, never a parse error or a Pulse metric.
      const problems = (result.stdout + result.stderr)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .filter((l) => !/^nodejs_active_(handles|requests|resources)_total /.test(l));
      expect(problems).toEqual([]);
    });
  });
});
