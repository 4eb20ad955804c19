/**
 * Pulse's own counters exist from the first scrape at 0, for every label value the catalog
 * knows, so `increase()` (and the alerts built on it) see the first drop or error. And bucket
 * bounds are written canonically (`le="1.0"`), so the stored series are the ones Prometheus 3
 * stores too. Checked on the exposition text and in a real Prometheus 2.42.
 */
import express from 'express';
import * as promClient from 'prom-client';
import { EVENT_KINDS, LOG_OUTCOME_REASONS } from '../../src/catalog/logs';
import { INTERNAL_ERROR_SIGNALS } from '../../src/catalog/pulse';
import { HTTP_DURATION_BUCKETS } from '../../src/catalog/buckets';
import { createPulse } from '../../src/index';
import type { Pulse, PulseOptions } from '../../src/index';
import { findSamples, listen, parseSamples } from '../support/app';
import type { RunningApp } from '../support/app';
import { startPrometheus } from '../support/prometheus';
import { createShopApp } from './fixtures/shop-app';

jest.setTimeout(60_000);

const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function startShop(options: Partial<PulseOptions> = {}): Promise<{ pulse: Pulse; app: RunningApp }> {
  const pulse = createPulse({
    serviceName: 'shop',
    ...options,
    metrics: { registry: new promClient.Registry(), defaultMetrics: false, ...options.metrics },
    http: { express, ...options.http },
  });
  return { pulse, app: await listen(createShopApp(pulse)) };
}

async function stop({ pulse, app }: { pulse: Pulse; app: RunningApp }): Promise<void> {
  await app.close();
  await pulse.shutdown();
}

describe("a fresh Pulse's own counters", () => {
  it.each([['prometheus'], ['openmetrics']])(
    'are all at 0 on the first %s scrape, one series per label value the catalog knows',
    async (format) => {
      const shop = await startShop();
      try {
        const headers = format === 'openmetrics' ? { accept: OPENMETRICS_ACCEPT } : undefined;
        const samples = parseSamples(await (await fetch(`${shop.app.baseUrl}/metrics`, { headers })).text());

        for (const signal of INTERNAL_ERROR_SIGNALS) {
          expect(findSamples(samples, 'pulse_internal_errors_total', { signal }).map((s) => s.value)).toEqual([0]);
        }
        for (const [outcome, reasons] of Object.entries(LOG_OUTCOME_REASONS)) {
          for (const reason of reasons) {
            expect(findSamples(samples, 'pulse_log_events_total', { outcome, reason }).map((s) => s.value)).toEqual([
              0,
            ]);
          }
        }
        for (const event_kind of EVENT_KINDS) {
          expect(findSamples(samples, 'pulse_log_events_truncated_total', { event_kind }).map((s) => s.value)).toEqual([
            0,
          ]);
        }
        // Every metric that has labels (and so a series cap) has its drop counter.
        const capped = shop.pulse.registry
          .names()
          .filter(
            (name) => name !== 'pulse_series_dropped_total' && shop.pulse.registry.get(name)!.def.labelNames.length > 0,
          );
        expect(capped).toContain('http_server_request_duration_seconds');
        for (const metric of capped) {
          expect(findSamples(samples, 'pulse_series_dropped_total', { metric }).map((s) => s.value)).toEqual([0]);
        }
      } finally {
        await stop(shop);
      }
    },
  );

  it('write every histogram bound as a canonical float, in both formats', async () => {
    const shop = await startShop();
    try {
      await (await fetch(`${shop.app.baseUrl}/orders/7`)).text();
      for (const headers of [undefined, { accept: OPENMETRICS_ACCEPT }]) {
        const text = await (await fetch(`${shop.app.baseUrl}/metrics`, { headers })).text();
        const les = new Set(
          findSamples(parseSamples(text), 'http_server_request_duration_seconds_bucket').map((s) => s.labels.le),
        );
        // What Prometheus 3 stores (Go's %g, ".0" on integers); `1`, `2.5`… would be stored as written by 2.x.
        expect([...les]).toEqual([
          '0.005',
          '0.01',
          '0.025',
          '0.05',
          '0.075',
          '0.1',
          '0.25',
          '0.5',
          '0.75',
          '1.0',
          '2.5',
          '5.0',
          '7.5',
          '10.0',
          '+Inf',
        ]);
        expect(les.size).toBe(HTTP_DURATION_BUCKETS.length + 1);
      }
    } finally {
      await stop(shop);
    }
  });

  it("rewrites the app's prom-client histogram and summary bounds canonically too", async () => {
    const registry = new promClient.Registry();
    new promClient.Histogram({
      name: 'app_job_seconds',
      help: 'Jobs',
      buckets: [1, 10, 1e6],
      registers: [registry],
    }).observe(3);
    new promClient.Summary({
      name: 'app_size_bytes',
      help: 'Sizes',
      percentiles: [0.5, 1],
      registers: [registry],
    }).observe(3);
    const shop = await startShop({ metrics: { registry } });
    try {
      const samples = parseSamples(await (await fetch(`${shop.app.baseUrl}/metrics`)).text());
      expect(findSamples(samples, 'app_job_seconds_bucket').map((s) => s.labels.le)).toEqual([
        '1.0',
        '10.0',
        '1e+06',
        '+Inf',
      ]);
      expect(findSamples(samples, 'app_size_bytes').map((s) => s.labels.quantile)).toEqual(['0.5', '1.0']);
    } finally {
      await stop(shop);
    }
  });
});

describe('in a real Prometheus 2.42', () => {
  it('increase() sees the first dropped series, and bucket bounds are stored as 1.0, not 1', async () => {
    const registry = new promClient.Registry();
    // Help text with every character the formats escape: the scrape must still parse.
    new promClient.Counter({
      name: 'app_jobs_total',
      help: 'Jobs "done" in C:\\jobs\nsecond line',
      registers: [registry],
    }).inc();
    // One series for the duration histogram: the second route's requests are folded into _overflow.
    const shop = await startShop({
      metrics: { registry, seriesLimits: { http_server_request_duration_seconds: 1 } },
    });
    const prom = await startPrometheus({ targets: [{ job: 'shop', address: `127.0.0.1:${shop.app.port}` }] });
    try {
      await (await fetch(`${shop.app.baseUrl}/orders/1`)).text();
      await prom.waitForScrapes('shop', 2);
      const dropped = 'pulse_series_dropped_total{job="shop",metric="http_server_request_duration_seconds"}';
      expect((await prom.query(dropped)).map((s) => s.value)).toEqual([0]);

      await (await fetch(`${shop.app.baseUrl}/orders/1/items`)).text();
      const deadline = Date.now() + 15_000;
      let increase = 0;
      while (increase === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        increase = (await prom.query(`increase(${dropped}[1m])`))[0]?.value ?? 0;
      }
      expect(increase).toBeGreaterThan(0);

      const les = await prom.query('count by (le) (http_server_request_duration_seconds_bucket{job="shop"})');
      const stored = les.map((s) => s.metric.le).sort();
      expect(stored).toContain('1.0');
      expect(stored).toContain('10.0');
      expect(stored).not.toContain('1');

      const up = await prom.query('up{job="shop"}');
      expect(up.map((s) => s.value)).toEqual([1]);
      const metadata = (await (await fetch(`${prom.url}/api/v1/metadata?metric=app_jobs`)).json()) as {
        data: Record<string, { help: string }[]>;
      };
      expect(metadata.data.app_jobs?.[0]?.help).toBe('Jobs "done" in C:\\jobs\nsecond line');
    } finally {
      await prom.stop();
      await stop(shop);
    }
  });
});
