/**
 * The health registry and runner: composite status, timeouts that never pile up, flapping,
 * uptime, redaction of what checks throw, and the gauges they feed.
 */
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { gaugeValue } from '../deps/series';

const pulses: Pulse[] = [];
function newPulse(health: Parameters<typeof createPulse>[0]['health'] = {}): Pulse {
  const pulse = createPulse({
    serviceName: 'health-test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    deps: { enabled: false },
    health,
  });
  pulses.push(pulse);
  return pulse;
}
afterAll(async () => {
  await Promise.all(pulses.map((p) => p.shutdown()));
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('composite: all healthy → healthy; a non-critical failure → degraded; a critical failure → unhealthy', async () => {
  const pulse = newPulse();
  let cacheUp = true;
  let dbUp = true;
  pulse.health.add({ name: 'db', check: () => dbUp });
  pulse.health.add({ name: 'cache', critical: false, check: () => cacheUp });
  expect((await pulse.health.run()).status).toBe('healthy');
  expect(gaugeValue(pulse.registry, 'pulse_health_status')).toBe(1);

  cacheUp = false;
  const degraded = await pulse.health.run();
  expect(degraded.status).toBe('degraded');
  expect(degraded.ready).toBe(true);
  expect(degraded.checks.cache).toMatchObject({ status: 'unhealthy', critical: false, error: 'check returned false' });
  expect(gaugeValue(pulse.registry, 'pulse_health_status')).toBe(0.5);
  expect(gaugeValue(pulse.registry, 'pulse_health_check_status', { check: 'cache', critical: 'false' })).toBe(0);

  dbUp = false;
  const unhealthy = await pulse.health.run();
  expect(unhealthy.status).toBe('unhealthy');
  expect(unhealthy.ready).toBe(true); // readiness turns only after health.readiness.failureThreshold (3) in a row
  await pulse.health.run();
  expect((await pulse.health.run()).ready).toBe(false);
  expect(gaugeValue(pulse.registry, 'pulse_health_status')).toBe(0);
  expect(gaugeValue(pulse.registry, 'pulse_health_check_status', { check: 'db', critical: 'true' })).toBe(0);
});

test('a critical check that reports degraded (e.g. a saturated pool) degrades, it does not fail', async () => {
  const pulse = newPulse();
  pulse.health.add({
    name: 'pool',
    check: () => ({ status: 'degraded' as const, message: 'pool saturated: 3 waiting' }),
  });
  const report = await pulse.health.run();
  expect(report.status).toBe('degraded');
  expect(report.ready).toBe(true);
  expect(report.checks.pool?.error).toBe('pool saturated: 3 waiting');
  expect(gaugeValue(pulse.registry, 'pulse_health_check_status', { check: 'pool', critical: 'true' })).toBe(0.5);
});

test('a hanging check times out, is reported, and is not started again while it hangs', async () => {
  const pulse = newPulse();
  let invocations = 0;
  let aborted = false;
  let release!: () => void;
  const hanging = new Promise<void>((resolve) => (release = resolve));
  pulse.health.add({
    name: 'hangs',
    timeout: 100,
    interval: 20,
    check: ({ signal }) => {
      invocations++;
      signal.addEventListener('abort', () => (aborted = true));
      return hanging;
    },
  });
  const started = performance.now();
  const report = await pulse.health.run();
  expect(performance.now() - started).toBeLessThan(1000);
  expect(report.checks.hangs).toMatchObject({ status: 'unhealthy', error: 'timed out after 100 ms' });
  expect(aborted).toBe(true);
  expect(gaugeValue(pulse.registry, 'pulse_health_check_duration_seconds', { check: 'hangs' })).toBeGreaterThanOrEqual(
    0.09,
  );
  // Several intervals later: still one invocation, reported as still hanging.
  await sleep(200);
  expect(invocations).toBe(1);
  expect(pulse.health.report().checks.hangs?.error).toMatch(/still running after timing out/);
  // Once it settles, the next run invokes the check again.
  release();
  await sleep(100);
  expect(invocations).toBeGreaterThan(1);
});

test('checks run on their interval in the background; endpoints only read results', async () => {
  const pulse = newPulse();
  let runs = 0;
  pulse.health.add({ name: 'ticker', interval: 30, check: () => void runs++ });
  await sleep(200);
  expect(runs).toBeGreaterThanOrEqual(3);
  const before = runs;
  pulse.health.report();
  pulse.health.report({ verbose: true });
  expect(runs).toBe(before);
});

test('flapping: more status changes than allowed within the window', async () => {
  const pulse = newPulse({ flapping: { window: 60_000, maxChanges: 3 } });
  let up = true;
  pulse.health.add({ name: 'flappy', critical: false, check: () => up });
  await pulse.health.run();
  for (let i = 0; i < 3; i++) {
    up = !up;
    await pulse.health.run();
  }
  expect(pulse.health.report({ verbose: true }).checks.flappy?.flapping).toBe(false);
  expect(gaugeValue(pulse.registry, 'pulse_health_check_flapping', { check: 'flappy' })).toBe(0);
  up = !up;
  await pulse.health.run();
  expect(pulse.health.report({ verbose: true }).checks.flappy?.flapping).toBe(true);
  expect(gaugeValue(pulse.registry, 'pulse_health_check_flapping', { check: 'flappy' })).toBe(1);
});

test('flapping clears once the changes fall out of the window', async () => {
  const pulse = newPulse({ flapping: { window: 150, maxChanges: 1 } });
  let up = true;
  pulse.health.add({ name: 'settles', critical: false, check: () => up });
  await pulse.health.run();
  up = false;
  await pulse.health.run();
  up = true;
  await pulse.health.run();
  expect(gaugeValue(pulse.registry, 'pulse_health_check_flapping', { check: 'settles' })).toBe(1);
  await sleep(200);
  await pulse.health.run();
  expect(gaugeValue(pulse.registry, 'pulse_health_check_flapping', { check: 'settles' })).toBe(0);
});

test('verbose report: history, uptime over history, last success and failure', async () => {
  const pulse = newPulse({ historySize: 4 });
  const results = [true, false, true, true, true];
  let i = 0;
  pulse.health.add({ name: 'hist', critical: false, check: () => results[i++ % results.length] });
  for (let n = 0; n < 5; n++) await pulse.health.run();
  const check = pulse.health.report({ verbose: true }).checks.hist!;
  expect(check.history).toHaveLength(4); // bounded
  expect(check.history!.map((h) => h.status)).toEqual(['unhealthy', 'healthy', 'healthy', 'healthy']);
  expect(check.uptime).toBe(0.75);
  expect(check.lastFailure).toBeDefined();
  expect(check.lastSuccess).toBeDefined();
  expect(check.consecutiveFailures).toBe(0);
  // Not verbose: no history.
  expect(pulse.health.report().checks.hist?.history).toBeUndefined();
});

test('what a check throws or returns is redacted', async () => {
  const pulse = newPulse();
  pulse.health.add({
    name: 'leaky',
    check: () => {
      throw new Error('connect failed for postgres://app:TopSecret1@db.internal:5432/shop');
    },
  });
  pulse.health.add({
    name: 'chatty',
    critical: false,
    check: () => ({
      status: 'degraded',
      message: 'token=abc123def',
      details: { password: 'pw1', dsn: 'redis://:pw2@cache:6379' },
    }),
  });
  const text = JSON.stringify(pulse.health.report({ verbose: true })) + JSON.stringify(await pulse.health.run());
  const verbose = JSON.stringify(pulse.health.report({ verbose: true }));
  for (const secret of ['TopSecret1', 'abc123def', 'pw1', 'pw2']) {
    expect(text).not.toContain(secret);
    expect(verbose).not.toContain(secret);
  }
  expect(verbose).toContain('db.internal:5432');
});

test('add() rejects bad input clearly; remove() drops the check and its series', async () => {
  const pulse = newPulse();
  expect(() => pulse.health.add({ name: 'has space', check: () => true })).toThrow(/name must be/);
  expect(() => pulse.health.add({ name: 'x', check: 'no' as never })).toThrow(/needs a check function/);
  expect(() => pulse.health.add({ name: 'x', check: () => true, timeout: -1 })).toThrow(/timeout/);
  pulse.health.add({ name: 'temp', check: () => false });
  expect(() => pulse.health.add({ name: 'temp', check: () => true })).toThrow(/exists already/);
  await pulse.health.run();
  expect(gaugeValue(pulse.registry, 'pulse_health_check_status', { check: 'temp', critical: 'true' })).toBe(0);
  expect(pulse.health.remove('temp')).toBe(true);
  expect(pulse.health.remove('temp')).toBe(false);
  expect(gaugeValue(pulse.registry, 'pulse_health_check_status', { check: 'temp', critical: 'true' })).toBeUndefined();
  expect(gaugeValue(pulse.registry, 'pulse_health_status')).toBe(1);
});

test('ready waits for critical checks to report once', async () => {
  const pulse = newPulse();
  let release!: () => void;
  pulse.health.add({ name: 'slow-start', check: () => new Promise<void>((r) => (release = r)) });
  expect(pulse.health.ready).toBe(false);
  await sleep(20);
  release();
  await pulse.health.run();
  expect(pulse.health.ready).toBe(true);
});
