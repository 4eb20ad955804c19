import { defineMetric } from '../catalog/types';
import { MetricRegistry } from './registry';

const latency = defineMetric({
  name: 'test_latency_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'Latency for tests.',
  labelNames: ['route'],
  buckets: [0.1, 0.5, 1],
  signal: 'http',
});
const jobs = defineMetric({
  name: 'test_jobs_total',
  type: 'counter',
  unit: '',
  help: 'Jobs for tests.',
  labelNames: ['queue'],
  signal: 'http',
});
const depth = defineMetric({
  name: 'test_depth',
  type: 'gauge',
  unit: '',
  help: 'Queue depth for tests.',
  labelNames: [],
  signal: 'http',
});

const sample = (text: string, line: string): string | undefined =>
  text.split('\n').find((l) => l.startsWith(line + ' ') || l.startsWith(line + ' #'));

describe('MetricRegistry', () => {
  it('renders cumulative buckets with inclusive upper bounds', async () => {
    const reg = new MetricRegistry();
    const h = reg.histogram(latency);
    for (const v of [0.05, 0.1, 0.3, 0.5, 0.9, 3]) h.observe(['/a'], v);
    const text = await reg.serialize('prometheus');
    expect(sample(text, 'test_latency_seconds_bucket{route="/a",le="0.1"}')).toBe(
      'test_latency_seconds_bucket{route="/a",le="0.1"} 2',
    );
    expect(sample(text, 'test_latency_seconds_bucket{route="/a",le="0.5"}')).toMatch(/ 4$/);
    expect(sample(text, 'test_latency_seconds_bucket{route="/a",le="1.0"}')).toMatch(/ 5$/);
    expect(sample(text, 'test_latency_seconds_bucket{route="/a",le="+Inf"}')).toMatch(/ 6$/);
    expect(sample(text, 'test_latency_seconds_count{route="/a"}')).toMatch(/ 6$/);
    expect(Number(sample(text, 'test_latency_seconds_sum{route="/a"}')!.split(' ')[1])).toBeCloseTo(4.85);
    expect(text).toContain('# TYPE test_latency_seconds histogram');
  });

  it('exposes exemplars only in OpenMetrics, with the family header OpenMetrics expects', async () => {
    const reg = new MetricRegistry();
    reg.histogram(latency).seriesFor(['/a']).observeWithExemplar(0.2, 'abc123', 1700000000123);
    reg.counter(jobs).inc(['q'], 3);
    const om = await reg.serialize('openmetrics');
    expect(om).toContain('test_latency_seconds_bucket{route="/a",le="0.5"} 1 # {trace_id="abc123"} 0.2 1700000000.123');
    expect(om).toContain('# UNIT test_latency_seconds seconds');
    expect(om).toContain('# TYPE test_jobs counter'); // family name without _total
    expect(om).toContain('test_jobs_total{queue="q"} 3');
    const text = await reg.serialize('prometheus');
    expect(text).not.toContain('trace_id');
    expect(text).toContain('# TYPE test_jobs_total counter');
  });

  it('escapes label values', async () => {
    const reg = new MetricRegistry();
    reg.counter(jobs).inc(['a"b\\c\nd']);
    expect(await reg.serialize('prometheus')).toContain('test_jobs_total{queue="a\\"b\\\\c\\nd"} 1');
  });

  it('folds label sets past the cap into one _overflow series and counts every folded observation', async () => {
    const reg = new MetricRegistry({ maxSeriesPerMetric: 3 });
    const c = reg.counter(jobs);
    for (let i = 0; i < 10; i++) c.inc([`q${i}`]);
    c.inc(['q9']); // still not one of the first three
    c.inc(['q0']); // an existing series keeps counting normally
    expect(c.series).toHaveLength(4);
    const text = await reg.serialize('prometheus');
    expect(text).toContain('test_jobs_total{queue="_overflow"} 8');
    expect(text).toContain('test_jobs_total{queue="q0"} 2');
    expect(text).toContain('pulse_series_dropped_total{metric="test_jobs_total"} 8');
  });

  it('honours per-metric caps', () => {
    const reg = new MetricRegistry({ maxSeriesPerMetric: 100, seriesLimits: { test_jobs_total: 1 } });
    const c = reg.counter(jobs);
    c.inc(['a']);
    c.inc(['b']);
    expect(c.series.map((s) => s.labelValues[0])).toEqual(['a', '_overflow']);
  });

  it('runs gauge collectors before serialising, and survives one that throws', async () => {
    const reg = new MetricRegistry();
    let n = 0;
    reg.gauge(depth, (g) => g.set([], ++n));
    reg.gauge({ ...depth, name: 'test_broken' }, () => {
      throw new Error('boom');
    });
    expect(await reg.serialize('prometheus')).toContain('test_depth 1');
    expect(await reg.serialize('prometheus')).toContain('test_depth 2');
  });

  it('rejects a definition registered as the wrong type', () => {
    const reg = new MetricRegistry();
    expect(() => reg.counter(latency)).toThrow(/histogram in the catalog/);
  });

  it('yields to the event loop while serialising a large registry', async () => {
    const reg = new MetricRegistry({ maxSeriesPerMetric: 20_000 });
    const h = reg.histogram(latency);
    for (let i = 0; i < 20_000; i++) h.observe([`/r/${i}`], 0.2);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const text = await reg.serialize('prometheus');
    clearInterval(timer);
    expect(text.split('\n').filter((l) => l.startsWith('test_latency_seconds_count')).length).toBe(20_000);
    expect(ticks).toBeGreaterThan(0); // timers ran in between: the scrape was not one block
  });
});
