/**
 * Express routes case-insensitively and ignores a trailing slash by default, so `/METRICS` and
 * `/Health/` reach Pulse's endpoints: Pulse serves them, and never counts them as the app's
 * traffic, exactly like `/metrics` and `/health`.
 */
import express from 'express';
import * as promClient from 'prom-client';
import { createPulse } from '../../src/index';
import { findSamples, listen, parseSamples } from '../support/app';
import { createShopApp } from './fixtures/shop-app';

test('/METRICS, /Metrics/ and /Health are served by Pulse and not measured as app traffic', async () => {
  const pulse = createPulse({
    serviceName: 'shop',
    http: { express },
    metrics: { registry: new promClient.Registry(), defaultMetrics: false },
  });
  const app = await listen(createShopApp(pulse));
  try {
    const metrics = await fetch(`${app.baseUrl}/METRICS`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    await metrics.text();
    for (const path of ['/Metrics/', '/Health', '/HEALTH/LIVE', '/health/Ready/', '/metrics?x=1']) {
      const res = await fetch(app.baseUrl + path);
      expect([200, 207]).toContain(res.status);
      await res.text();
    }
    const health = await fetch(`${app.baseUrl}/Health`);
    expect(health.headers.get('content-type')).toMatch(/^application\/json/);
    await health.text();
    await (await fetch(`${app.baseUrl}/orders/7`)).text();

    const samples = parseSamples(await (await fetch(`${app.baseUrl}/metrics`)).text());
    const counted = findSamples(samples, 'http_server_request_duration_seconds_count');
    expect(counted.map((s) => [s.labels.http_route, s.value])).toEqual([['/orders/:id', 1]]);
  } finally {
    await app.close();
    await pulse.shutdown();
  }
});
