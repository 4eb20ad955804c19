import type { QueuedEvent } from './delivery-queue';
import { DeliveryQueue } from './delivery-queue';

const ev = (id: number, bytes = 100): QueuedEvent => ({
  stream: 's',
  timeMs: id,
  subNs: 0,
  line: String(id),
  metadata: [],
  bytes,
  queuedAt: id,
});
const ids = (events: readonly QueuedEvent[]): number[] => events.map((e) => e.timeMs);

describe('DeliveryQueue', () => {
  it('never holds more bytes than its limit, evicting the oldest first', () => {
    const q = new DeliveryQueue(1000);
    let evicted = 0;
    for (let i = 1; i <= 25; i++) evicted += q.push(ev(i));
    expect(q.bytes).toBeLessThanOrEqual(1000);
    expect(evicted).toBe(15);
    expect(ids(q.takeBatch(10_000))).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  it("evicts the oldest first even from the request on the wire, settling those by Loki's answer", () => {
    const q = new DeliveryQueue(500);
    for (let i = 1; i <= 5; i++) q.push(ev(i));
    expect(ids(q.takeBatch(300))).toEqual([1, 2, 3]); // on the wire
    expect(q.push(ev(6))).toBe(0); // evicts 1, but its fate is the answer to the request
    expect(q.keepBatch()).toBe(1); // answered 5xx: 1 is dropped now
    expect(q.push(ev(7))).toBe(1); // evicts 2, waiting for its retry
    expect(ids(q.takeBatch(300))).toEqual([3]); // the retry sends what is left of the batch
    expect(q.push(ev(8))).toBe(0); // evicts 3 from the wire again
    expect(q.settleBatch()).toBe(1); // answered 204: 3 was delivered after all
    expect(ids(q.takeBatch(10_000))).toEqual([4, 5, 6, 7, 8]);
  });

  it('refuses an event larger than the whole buffer', () => {
    const q = new DeliveryQueue(300);
    q.push(ev(1, 200));
    expect(q.push(ev(2, 400))).toBe(2); // evicted 1 trying, then refused 2
    expect(q.count).toBe(0);
  });

  it('batches up to the byte limit but always at least one event', () => {
    const q = new DeliveryQueue(10_000);
    q.push(ev(1, 900));
    q.push(ev(2, 900));
    expect(ids(q.takeBatch(500))).toEqual([1]);
    q.settleBatch();
    expect(q.clear()).toBe(1);
    expect(q.bytes).toBe(0);
  });
});
