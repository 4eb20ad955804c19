/**
 * Loki down for 30 s, then back. Two services ship through the same real outage (connection
 * refused for the whole 30 s): one with a buffer that holds everything — nothing may be lost —
 * and one with a small buffer — the oldest events are dropped, every drop is counted, and what
 * arrives is exactly the newest events. Backoff is shortened; the outage is not.
 */
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { logOutcomes, pulseShippingTo, sleep, total } from './helpers';

const OUTAGE_MS = 30_000;
const EVENTS_PER_SECOND = 20;

const seqs = (loki: LokiReceiver): number[] =>
  loki
    .events()
    .filter((e) => e.json.event_type === 'outage')
    .map((e) => (e.json.metadata as { seq: number }).seq)
    .sort((a, b) => a - b);

test('a 30 s Loki outage loses nothing that fits the buffer, and drops (and counts) the oldest beyond it', async () => {
  const [lokiBig, lokiSmall] = await Promise.all([startLokiReceiver(), startLokiReceiver()]);
  const big = pulseShippingTo(lokiBig, { loki: { bufferMaxBytes: 8 << 20 } });
  const small = pulseShippingTo(lokiSmall, { loki: { bufferMaxBytes: 32 << 10, batchMaxBytes: 8 << 10 } });
  const both: [Pulse, LokiReceiver][] = [
    [big, lokiBig],
    [small, lokiSmall],
  ];
  try {
    // Loki is up at start: the start events arrive.
    await Promise.all(both.map(([, loki]) => loki.waitFor((e) => e.length >= 1)));
    await Promise.all(both.map(([, loki]) => loki.down()));

    const emitted = (OUTAGE_MS / 1000) * EVENTS_PER_SECOND;
    const padding = 'x'.repeat(100);
    const started = Date.now();
    for (let seq = 0; seq < emitted; seq++) {
      for (const [pulse] of both) pulse.capture({ type: 'outage', metadata: { seq, padding } });
      await sleep(Math.max(0, started + ((seq + 1) * 1000) / EVENTS_PER_SECOND - Date.now()));
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(OUTAGE_MS - 100);
    expect(seqs(lokiBig)).toEqual([]); // nothing got through while Loki was down

    // While down, the small buffer stayed within its bound.
    expect(small.logDelivery()!.bufferedBytes).toBeLessThanOrEqual(32 << 10);

    await Promise.all(both.map(([, loki]) => loki.up()));
    await Promise.all(both.map(([pulse]) => pulse.shutdown()));

    // Big buffer: every event arrived, once; the outage shows as retries, not drops.
    const bigOutcomes = logOutcomes(big);
    expect(seqs(lokiBig)).toEqual(Array.from({ length: emitted }, (_, i) => i));
    expect(bigOutcomes.dropped).toEqual({});
    expect(bigOutcomes.retried.network).toBeGreaterThan(0);
    expect(bigOutcomes.sent.ok).toBe(lokiBig.entries().length);

    // Small buffer: the newest events arrived (a contiguous tail), the rest were counted as dropped.
    const smallOutcomes = logOutcomes(small);
    const arrived = seqs(lokiSmall);
    expect(arrived.length).toBeGreaterThan(0);
    expect(arrived.length).toBeLessThan(emitted);
    const first = arrived[0]!;
    expect(arrived).toEqual(Array.from({ length: emitted - first }, (_, i) => first + i));
    expect(smallOutcomes.dropped).toEqual({ buffer_full: emitted - arrived.length });
    // Every event is accounted for exactly once: sent or dropped.
    const shippedBySmall = 2 + emitted; // start + stop lifecycle events + the outage events
    expect(total(smallOutcomes.sent) + total(smallOutcomes.dropped)).toBe(shippedBySmall);
    expect(smallOutcomes.sent.ok).toBe(lokiSmall.entries().length);
  } finally {
    await Promise.all(both.map(([pulse]) => pulse.shutdown()));
    await Promise.all(both.map(([, loki]) => loki.stop()));
  }
}, 90_000);
