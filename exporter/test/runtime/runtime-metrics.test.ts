/**
 * Runtime metrics on the real runtime: after allocations, a forced GC and a blocked event loop,
 * every value is present and sane; the leak heuristic fires on growing handles and heap and stays
 * quiet otherwise; nothing keeps the process alive.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { PULSE_VERSION } from '../../src/runtime/version';
import { gaugeValue, histogramSeries } from '../deps/series';

// jest runs without --expose-gc: turn it on, then take gc() from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pulses: Pulse[] = [];
function newPulse(runtime: Parameters<typeof createPulse>[0]['runtime']): Pulse {
  const pulse = createPulse({
    serviceName: 'runtime-test',
    env: 'test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    deps: { enabled: false },
    health: { enabled: false },
    runtime,
  });
  pulses.push(pulse);
  return pulse;
}
afterAll(async () => {
  await Promise.all(pulses.map((p) => p.shutdown()));
});

test('after allocations, a forced GC and a blocked loop, every runtime value is present and sane', async () => {
  const pulse = newPulse({ sampleIntervalMs: 100, eventLoopResolutionMs: 10 });
  const r = pulse.registry;

  let garbage: unknown[] = [];
  for (let i = 0; i < 200_000; i++) garbage.push({ i, s: 'x'.repeat(i % 64) });
  garbage = [];
  gc();
  const until = Date.now() + 250;
  while (Date.now() < until) {
    // block the loop: utilisation and delay must show it
  }
  await sleep(250); // GC entries are delivered asynchronously; two samples pass

  const major = histogramSeries(r, 'v8js_gc_duration_seconds', { v8js_gc_type: 'major' });
  expect(major[0]?.count).toBeGreaterThanOrEqual(1);
  expect(major[0]?.sum).toBeGreaterThan(0);
  expect(major[0]?.sum).toBeLessThan(5);
  expect(histogramSeries(r, 'v8js_gc_duration_seconds', { v8js_gc_type: 'minor' })[0]?.count).toBeGreaterThanOrEqual(1);

  const elu = gaugeValue(r, 'nodejs_eventloop_utilization_ratio')!;
  expect(elu).toBeGreaterThanOrEqual(0);
  expect(elu).toBeLessThanOrEqual(1);

  const q = (stat: string): number => gaugeValue(r, `nodejs_eventloop_delay_${stat}_seconds`)!;
  for (const stat of ['p50', 'p90', 'p99', 'max']) expect(q(stat)).toBeGreaterThanOrEqual(0);
  expect(q('p50')).toBeLessThanOrEqual(q('p90'));
  expect(q('p90')).toBeLessThanOrEqual(q('p99'));
  expect(q('p99')).toBeLessThanOrEqual(q('max'));

  expect(gaugeValue(r, 'nodejs_heap_size_limit_bytes')).toBe(getHeapStatistics().heap_size_limit);
  expect(
    gaugeValue(r, 'pulse_runtime_info', {
      nodejs_version: process.versions.node,
      pulse_version: PULSE_VERSION,
      service_name: 'runtime-test',
      env: 'test',
    }),
  ).toBe(1);

  const text = await pulse.renderMetrics();
  expect(text).toMatch(/^nodejs_eventloop_utilization_ratio [\d.e-]+$/m);
  expect(text).toMatch(/^nodejs_eventloop_delay_p99_seconds [\d.e-]+$/m);
  expect(text).toMatch(/^v8js_gc_duration_seconds_count\{v8js_gc_type="major"\} [1-9]\d*$/m);
  expect(text).toMatch(/^pulse_runtime_leak_suspected\{resource="heap"\} 0$/m);
});

test('a blocked event loop shows in the delay maximum and the utilisation of its window', async () => {
  const pulse = newPulse({ sampleIntervalMs: 400, eventLoopResolutionMs: 10 });
  await sleep(450); // one quiet window
  const until = Date.now() + 200;
  while (Date.now() < until) {
    // blocked
  }
  await sleep(350); // the window with the block closes
  expect(gaugeValue(pulse.registry, 'nodejs_eventloop_delay_max_seconds')).toBeGreaterThanOrEqual(0.15);
  expect(gaugeValue(pulse.registry, 'nodejs_eventloop_utilization_ratio')).toBeGreaterThan(0.3);
});

test('a scrape before the first tick still gets values', async () => {
  const pulse = newPulse({ sampleIntervalMs: 60_000 });
  const text = await pulse.renderMetrics();
  expect(text).toMatch(/^nodejs_eventloop_utilization_ratio [\d.e-]+$/m);
});

test('leak heuristic: growing handles and heap are suspected; a steady process is not', () => {
  // Its own process: the heuristic reads process-wide counts (see the fixture).
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'leak-app.ts')], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 40_000,
  });
  expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  const seen = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    growing: { handles: number; handlesGrowth: number; heap: number };
    steady: { handles: number };
  };
  expect(seen.growing.handles).toBe(1);
  expect(seen.growing.handlesGrowth).toBeGreaterThan(0.1);
  expect(seen.growing.heap).toBe(1);
  expect(seen.steady.handles).toBe(0);
});

test('runtime.enabled: false registers nothing', async () => {
  const pulse = newPulse({ enabled: false });
  const text = await pulse.renderMetrics();
  expect(text).not.toMatch(/nodejs_eventloop_utilization_ratio|v8js_gc|pulse_runtime_info/);
});

test("Pulse's timers never keep the process alive (a script that only creates Pulse exits by itself)", () => {
  const script = `
    import { createPulse } from ${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'index.ts'))};
    const pulse = createPulse({ serviceName: 'exit-test', metrics: { defaultMetrics: false },
      runtime: { sampleIntervalMs: 50 }, health: { checks: { memory: true, eventLoop: true, disk: true } } });
    pulse.health.add({ name: 'custom', interval: 20, check: () => true });
    setTimeout(() => console.log('still here'), 300);
  `;
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 20_000,
  });
  // stderr is in the object so a failure shows it.
  expect({ status: child.status, stdout: child.stdout.trim(), stderr: child.stderr }).toMatchObject({
    status: 0,
    stdout: 'still here',
  });
  expect(Date.now() - started).toBeLessThan(15_000);
});
