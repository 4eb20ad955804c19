import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import express from 'express';
import { Registry } from 'prom-client';
import { createPulse } from '../../src/index';
import { labelValues, listen, sampleSum, sampleValue } from '../support/app';
import { sendRequests } from '../support/http-load';

const DISTINCT_PATHS = 100_000;

/** Heap in use after a full collection: what is retained, not garbage waiting for the GC. */
function retainedHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}
const CAP = 1000;

describe('cardinality guard', () => {
  it(`keeps series within the cap when ${DISTINCT_PATHS} distinct raw paths become labels`, async () => {
    // The worst case: an app whose routeName hook returns the raw path (a common mistake), so
    // every request mints a new label set. Templates would not (see route-templates.test.ts).
    const pulse = createPulse({
      serviceName: 'cardinality',
      http: { express, routeName: (req) => req.url },
      metrics: { registry: new Registry(), defaultMetrics: false, maxSeriesPerMetric: CAP },
    });
    const app = express();
    app.use(pulse.middleware());
    app.use((_req, res) => res.status(200).end());
    pulse.mount(app);
    const running = await listen(app);
    const heapBefore = retainedHeap();
    try {
      function* paths() {
        for (let i = 0; i < DISTINCT_PATHS; i++) yield { method: 'GET', path: `/scan/${i.toString(36)}` };
      }
      const result = await sendRequests({
        baseUrl: running.baseUrl,
        requests: paths(),
        concurrency: 32,
        maxRequests: DISTINCT_PATHS,
      });
      expect(result.errors).toBe(0);
      expect(result.byStatus[200]).toBe(DISTINCT_PATHS);
      await new Promise((r) => setImmediate(r));

      const text = await pulse.renderMetrics();
      const routes = labelValues(text, 'http_server_request_duration_seconds_count', 'http_route');
      expect(routes.length).toBeLessThanOrEqual(CAP + 1); // the cap plus the one _overflow series
      expect(routes).toContain('_overflow');
      // Nothing is lost: every request is counted, the excess in _overflow.
      expect(sampleSum(text, 'http_server_request_duration_seconds_count')).toBe(DISTINCT_PATHS);
      const dropped = sampleValue(text, 'pulse_series_dropped_total', {
        metric: 'http_server_request_duration_seconds',
      })!;
      expect(dropped).toBe(DISTINCT_PATHS - CAP);
      expect(sampleValue(text, 'http_server_request_duration_seconds_count', { http_route: '_overflow' })).toBe(
        dropped,
      );
      // Memory stays bounded too: 100k label sets kept would cost far more than this.
      expect(retainedHeap() - heapBefore).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await running.close();
      await pulse.shutdown();
    }
  }, 180_000);
});
