/**
 * A burst of 10 000 errors a second for 3 s while Loki is down. With the default settings the
 * error counter counts every error and Loki gets at most `maxEventsPerSecond` of them, so
 * capturing keeps pace; with every error shipped, the delivery buffer holds at most its byte
 * limit and drops the oldest. Either way memory stays bounded, nothing blocks, and once Loki is
 * back every error is accounted for: delivered, or counted as dropped with its reason.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Pulse } from '../../src/pulse';
import { startLokiReceiver } from '../support/loki-receiver';
import type { LokiReceiver } from '../support/loki-receiver';
import { counterTotal, logOutcomes, pulseShippingTo, sleep, total } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

const RATE = 10_000;
const SECONDS = 3;

class OrderNotFound extends Error {
  override name = 'OrderNotFound';
}

/** 100 errors every 10 ms, each with its own order and customer id; returns the achieved rate. */
async function burst(pulse: Pulse, onTick: () => void = () => {}): Promise<{ captured: number; perSecond: number }> {
  const started = performance.now();
  let captured = 0;
  for (let tick = 0; tick < SECONDS * 100; tick++) {
    for (let i = 0; i < RATE / 100; i++) {
      pulse.captureException(new OrderNotFound(`order ${captured} not found for customer c-${captured % 977}`), {
        tags: { tick },
      });
      captured++;
    }
    onTick();
    await sleep(Math.max(0, started + (tick + 1) * 10 - performance.now()));
  }
  return { captured, perSecond: captured / ((performance.now() - started) / 1000) };
}

let loki: LokiReceiver;
let pulse: Pulse | undefined;
beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await pulse?.shutdown();
  await loki.stop();
});

test('default settings: capture keeps pace, every error is counted, Loki gets maxEventsPerSecond, the rest are counted as throttled', async () => {
  pulse = pulseShippingTo(loki);
  await loki.waitFor((e) => e.length >= 1);
  await loki.down();
  const heapBefore = heapAfterGc();
  const { captured, perSecond } = await burst(pulse);
  expect(perSecond).toBeGreaterThan(RATE * 0.8);
  await sleep(300);
  expect(heapAfterGc() - heapBefore).toBeLessThan(4 << 20);

  await loki.up();
  await pulse.shutdown();
  expect(counterTotal(pulse, 'pulse_errors_total', { error_type: 'not_found' })).toBe(captured);
  const outcomes = logOutcomes(pulse);
  const delivered = loki.events().filter((e) => e.labels.event_kind === 'error').length;
  expect(delivered).toBeLessThanOrEqual(200 * (SECONDS + 1));
  expect(delivered).toBeGreaterThanOrEqual(200 * SECONDS);
  expect(outcomes.dropped).toEqual({ throttled: captured - delivered });
  expect(outcomes.sent.ok).toBe(delivered + 2); // + start and stop
}, 30_000);

test('every error shipped: the buffer stays within its byte limit, drops the oldest, and every event is accounted for', async () => {
  const BUFFER = 1 << 20;
  pulse = pulseShippingTo(loki, {
    loki: { bufferMaxBytes: BUFFER, batchMaxBytes: BUFFER / 4 },
    errors: { maxEventsPerSecond: 1_000_000 },
  });
  await loki.waitFor((e) => e.length >= 1);
  await loki.down();
  const heapBefore = heapAfterGc();
  let maxBuffered = 0;
  const started = Date.now();
  const { captured } = await burst(pulse, () => {
    maxBuffered = Math.max(maxBuffered, pulse!.logDelivery()!.bufferedBytes);
  });
  expect(Date.now() - started).toBeLessThan(15_000); // never blocked on the outage
  await sleep(500); // the shipping thread takes in the tail and reports
  maxBuffered = Math.max(maxBuffered, pulse.logDelivery()!.bufferedBytes);
  // 30 000 events are ~30 MB of JSON: the main thread keeps none of it, the buffer ≤ its limit.
  expect(heapAfterGc() - heapBefore).toBeLessThan(8 << 20);
  expect(maxBuffered).toBeLessThanOrEqual(BUFFER);
  expect(maxBuffered).toBeGreaterThan(BUFFER / 2);

  await loki.up();
  await pulse.shutdown();
  expect(counterTotal(pulse, 'pulse_errors_total', { error_type: 'not_found' })).toBe(captured);
  const outcomes = logOutcomes(pulse);
  const delivered = loki.events().filter((e) => e.labels.event_kind === 'error');
  expect(total(outcomes.sent) + total(outcomes.dropped)).toBe(captured + 2);
  expect(outcomes.sent.ok).toBe(loki.entries().length);
  expect(outcomes.dropped.buffer_full).toBeGreaterThan(captured / 2);
  expect(Object.keys(outcomes.dropped).every((r) => r === 'buffer_full' || r === 'backpressure')).toBe(true);
  // What arrived is the newest: the last error captured is among it.
  expect(
    delivered.some((e) => e.json.msg === `order ${captured - 1} not found for customer c-${(captured - 1) % 977}`),
  ).toBe(true);
  // All of them are one bug: one fingerprint whatever the order and customer ids.
  expect(new Set(delivered.map((e) => e.metadata.fingerprint)).size).toBe(1);
}, 60_000);
