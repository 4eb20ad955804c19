/**
 * Self-test of the real-Prometheus harness (test/support/prometheus.ts) and the small HTTP load
 * helper. Everything here runs against Debian's prometheus 2.42 binary: no mocks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { getFreePort } from './support/free-port';
import { sendRequests, type LoadRequest } from './support/http-load';
import { PromQLError, prometheusBinary, startPrometheus, type PrometheusHandle } from './support/prometheus';

jest.setTimeout(30_000);

const JOB = 'harness';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const COUNTER_TRACE_ID = '00f067aa0ba902b7a3ce929d0e0e4736';

const registry = new Registry<OpenMetricsContentType>();
// OpenMetrics is the only text format that carries exemplars.
registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
const events = new Counter({
  name: 'harness_events',
  help: 'Events counted by the harness self-test',
  registers: [registry],
  enableExemplars: true,
});
const duration = new Histogram({
  name: 'harness_duration_seconds',
  help: 'Durations observed by the harness self-test',
  buckets: [0.1, 0.5, 1],
  registers: [registry],
  enableExemplars: true,
});

let server: http.Server;
let serverAddress: string;
let scrapesServed = 0;
let lastAccept = '';
let prom: PrometheusHandle;
const testStart = Date.now() / 1000;

beforeAll(async () => {
  // Known state BEFORE the first scrape: the first sample Prometheus sees must be exactly this.
  for (let i = 0; i < 5; i++) events.inc();
  duration.observe({ value: 0.05, exemplarLabels: { trace_id: TRACE_ID } });
  duration.observe({ value: 0.3 });
  duration.observe({ value: 2 });

  server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      lastAccept = req.headers.accept ?? '';
      void registry.metrics().then((body) => {
        scrapesServed++;
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      });
    } else if (req.url === '/hello') {
      res.writeHead(200).end('hi');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverAddress = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const t0 = performance.now();
  prom = await startPrometheus({
    targets: [{ job: JOB, address: serverAddress, labels: { service_name: 'harness-svc', env: 'test' } }],
  });
  // Visible in the test output: how long a test pays for its own Prometheus.
  console.log(`prometheus ready in ${Math.round(performance.now() - t0)} ms at ${prom.url}`);
  await prom.waitForScrapes(JOB, 2);
});

afterAll(async () => {
  await prom?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

/** Waits until Prometheus has committed every scrape the server has answered so far. */
async function waitForServedScrapesToLand(): Promise<void> {
  const served = scrapesServed;
  // One more scrape after "now", so it is sure to contain whatever the caller just changed.
  const deadline = Date.now() + 10_000;
  while (scrapesServed <= served) {
    if (Date.now() > deadline) throw new Error('no scrape arrived within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  await prom.waitForScrapes(JOB, scrapesServed);
}

async function value(expr: string): Promise<number> {
  const v = await prom.query(expr);
  expect(v).toHaveLength(1);
  return v[0]!.value;
}

describe('real Prometheus', () => {
  it('negotiates OpenMetrics with a prom-client registry', () => {
    // 2.42 has no scrape_protocols setting; this is its fixed default Accept header.
    expect(lastAccept).toMatch(/^application\/openmetrics-text;version=1\.0\.0/);
  });

  it('sees the exact counter value set before the first scrape, with target labels', async () => {
    const v = await prom.query(`harness_events_total{job="${JOB}"}`);
    expect(v).toHaveLength(1);
    expect(v[0]!.value).toBe(5);
    expect(v[0]!.metric).toMatchObject({ job: JOB, instance: serverAddress, service_name: 'harness-svc', env: 'test' });
    expect(await value(`min_over_time(harness_events_total{job="${JOB}"}[1h])`)).toBe(5);
  });

  it('counts increments after the first scrape exactly (max_over_time - min_over_time, last sample)', async () => {
    for (let i = 0; i < 7; i++) events.inc({ value: 1, exemplarLabels: { trace_id: COUNTER_TRACE_ID } });
    await waitForServedScrapesToLand();
    const sel = `harness_events_total{job="${JOB}"}`;
    expect(await value(`max_over_time(${sel}[1h])`)).toBe(12);
    expect(await value(`max_over_time(${sel}[1h]) - min_over_time(${sel}[1h])`)).toBe(7);
    expect(await value(`sum(last_over_time(${sel}[1h]))`)).toBe(12);
  });

  it('stores histogram buckets, sum and count exactly', async () => {
    const h = 'harness_duration_seconds';
    expect(await value(`${h}_count{job="${JOB}"}`)).toBe(3);
    expect(await value(`${h}_sum{job="${JOB}"}`)).toBeCloseTo(2.35, 10);
    expect(await value(`${h}_bucket{job="${JOB}",le="0.1"}`)).toBe(1);
    expect(await value(`${h}_bucket{job="${JOB}",le="0.5"}`)).toBe(2);
    expect(await value(`${h}_bucket{job="${JOB}",le="+Inf"}`)).toBe(3);
  });

  it('returns range queries as numbers, ending at the last value', async () => {
    const now = Date.now() / 1000;
    const m = await prom.queryRange(`harness_events_total{job="${JOB}"}`, now - 60, now, 1);
    expect(m).toHaveLength(1);
    const values = m[0]!.values.map(([, v]) => v);
    expect(values[0]).toBe(5);
    expect(values.at(-1)).toBe(12);
    expect([...values].sort((a, b) => a - b)).toEqual(values); // a counter never goes down
  });

  it('ingests exemplars from prom-client (histogram and counter)', async () => {
    const end = Date.now() / 1000 + 60;
    const hist = await prom.queryExemplars(`harness_duration_seconds_bucket{job="${JOB}"}`, testStart - 60, end);
    const histExemplars = hist.flatMap((s) => s.exemplars.map((e) => ({ ...e, le: s.seriesLabels.le })));
    expect(histExemplars).toContainEqual(
      expect.objectContaining({ labels: { trace_id: TRACE_ID }, value: 0.05, le: '0.1' }),
    );
    const counter = await prom.queryExemplars(`harness_events_total{job="${JOB}"}`, testStart - 60, end);
    expect(counter.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id))).toContain(COUNTER_TRACE_ID);
  });

  it('formats valid PromQL and rejects invalid PromQL with Prometheus’s own message', async () => {
    expect(await prom.formatQuery('sum by(job)(rate(harness_events_total[5m]))')).toBe(
      'sum by (job) (rate(harness_events_total[5m]))',
    );
    const err = await prom.formatQuery('sum(rate(harness_events_total[5m])').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromQLError);
    expect((err as PromQLError).httpStatus).toBe(400);
    expect((err as PromQLError).errorType).toBe('bad_data');
    expect((err as PromQLError).message).toMatch(/unclosed left parenthesis/);
    // Prometheus 3.x-only syntax is rejected by 2.42 (npm grammars would accept it).
    await expect(prom.query('limitk(1, harness_events_total)')).rejects.toThrow(PromQLError);
  });

  it('reloads its configuration', async () => {
    await expect(prom.reload()).resolves.toBeUndefined();
  });

  it('explains a scrape wait that cannot succeed', async () => {
    await expect(prom.waitForScrapes('no-such-job', 1)).rejects.toThrow(/no targets configured/);
  });

  it('fails startup loudly, with Prometheus’s stderr', async () => {
    await expect(
      startPrometheus({ targets: [{ job: 'x', address: serverAddress }], extraArgs: ['--no-such-flag'] }),
    ).rejects.toThrow(/exited during startup[\s\S]*no-such-flag/);
  });

  it('throws instead of skipping when the binary is missing', async () => {
    expect(prometheusBinary()).toBeDefined();
    const saved = process.env.PULSE_PROMETHEUS_BIN;
    process.env.PULSE_PROMETHEUS_BIN = '/nonexistent/prometheus';
    try {
      expect(prometheusBinary()).toBeUndefined();
      await expect(startPrometheus({ targets: [] })).rejects.toThrow(
        "prometheus binary not found: install Debian's prometheus package (`.ci/run` does)",
      );
    } finally {
      if (saved === undefined) delete process.env.PULSE_PROMETHEUS_BIN;
      else process.env.PULSE_PROMETHEUS_BIN = saved;
    }
  });
});

describe('sendRequests', () => {
  it('sends every request with bounded concurrency and reports statuses in order', async () => {
    function* requests(): Generator<LoadRequest> {
      for (let i = 0; i < 30; i++) yield { method: 'GET', path: i % 3 === 2 ? '/missing' : '/hello' };
    }
    const r = await sendRequests({ baseUrl: `http://${serverAddress}`, requests: requests(), concurrency: 4 });
    expect(r.errors).toBe(0);
    expect(r.statuses).toHaveLength(30);
    expect(r.statuses.every((s, i) => s === (i % 3 === 2 ? 404 : 200))).toBe(true);
    expect(r.byStatus).toEqual({ 200: 20, 404: 10 });
  });

  it('counts connection failures as errors', async () => {
    const port = await getFreePort(); // nothing listens there
    const r = await sendRequests({
      baseUrl: `http://127.0.0.1:${port}`,
      requests: [
        { method: 'GET', path: '/' },
        { method: 'GET', path: '/' },
      ],
      concurrency: 2,
    });
    expect(r.errors).toBe(2);
    expect(r.statuses).toEqual([0, 0]);
    expect(r.errorMessages[0]).toMatch(/ECONNREFUSED/);
  });

  it('refuses non-loopback hosts', async () => {
    await expect(
      sendRequests({ baseUrl: 'http://example.com', requests: [{ method: 'GET', path: '/' }], concurrency: 1 }),
    ).rejects.toThrow(/loopback/);
  });
});
