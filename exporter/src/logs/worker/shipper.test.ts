import { gunzipSync } from 'node:zlib';
import { backoffDelay, retryAfterMs } from './backoff';
import type { PushClient, PushResult, PushTiming } from './push-client';
import type { ShipperConfig } from './protocol';
import type { OutcomeCounter } from './shipper';
import { LokiShipper } from './shipper';

const config: ShipperConfig = {
  pushUrl: 'http://unused',
  headers: {},
  labels: {},
  staticLabels: { service_name: 't' },
  format: 'json',
  batchIntervalMs: 20,
  batchMaxBytes: 1000,
  bufferMaxBytes: 5000,
  timeoutMs: 1000,
  minBackoffMs: 10,
  maxBackoffMs: 40,
  maxRetries: 3,
  maxLineBytes: 2000,
  reportIntervalMs: 100,
  endFlushTimeoutMs: 500,
};

/** A Loki stand-in: answers each push from a script, records what it received. */
function fakeLoki(answers: (n: number, timing: PushTiming) => PushResult | Promise<PushResult>) {
  const received: string[][] = [];
  const bodies: Buffer[] = [];
  const timings: PushTiming[] = [];
  let calls = 0;
  const client: PushClient = {
    async push(body, timing) {
      const n = calls++;
      bodies.push(Buffer.from(body));
      timings.push(timing);
      const result = await answers(n, timing);
      if (result.kind === 'sent') {
        const parsed = JSON.parse(gunzipSync(body as Buffer).toString()) as { streams: { values: string[][] }[] };
        received.push(parsed.streams.flatMap((s) => s.values.map((v) => v[1]!)));
      }
      await new Promise((r) => setTimeout(r, 1));
      return result;
    },
    close() {},
  };
  return { client, received, bodies, timings, calls: () => calls };
}

function counter() {
  const totals = {
    sent: {} as Record<string, number>,
    dropped: {} as Record<string, number>,
    retried: {} as Record<string, number>,
    unknown: {} as Record<string, number>,
    errors: [] as string[],
  };
  const out: OutcomeCounter = {
    sent: (r, n) => void (totals.sent[r] = (totals.sent[r] ?? 0) + n),
    dropped: (r, n) => void (totals.dropped[r] = (totals.dropped[r] ?? 0) + n),
    retried: (r, n) => void (totals.retried[r] = (totals.retried[r] ?? 0) + n),
    unknown: (r, n) => void (totals.unknown[r] = (totals.unknown[r] ?? 0) + n),
    error: (m) => void totals.errors.push(m),
  };
  return { totals, out };
}

const streams = () => ({ labels: '{service_name="t"}', labelMap: { service_name: 't' } });
const event = (i: number, bytes = 100) => ({
  stream: 'k',
  timeMs: 1_700_000_000_000 + i,
  subNs: 0,
  line: `line-${i}`,
  metadata: [],
  bytes,
  queuedAt: performance.now(),
});
const sum = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
const deadlineIn = (ms: number): number => performance.now() + ms;

describe('LokiShipper', () => {
  it('retries 429, 5xx and connection errors with backoff until Loki takes the batch', async () => {
    const script: PushResult[] = [
      { kind: 'retry', reason: 'rate_limited', retryAfterMs: undefined, error: 'HTTP 429' },
      { kind: 'retry', reason: 'server_error', retryAfterMs: undefined, error: 'HTTP 503' },
      { kind: 'retry', reason: 'network', retryAfterMs: undefined, error: 'ECONNREFUSED' },
    ];
    const loki = fakeLoki((n) => script[n] ?? { kind: 'sent' });
    const { totals, out } = counter();
    const shipper = new LokiShipper(config, loki.client, streams, out);
    for (let i = 0; i < 5; i++) shipper.enqueue(event(i));
    await shipper.flush(deadlineIn(2000), true);
    expect(loki.received).toEqual([[0, 1, 2, 3, 4].map((i) => `line-${i}`)]);
    expect(totals.sent).toEqual({ ok: 5 });
    expect(totals.retried).toEqual({ rate_limited: 5, server_error: 5, network: 5 });
    expect(totals.dropped).toEqual({});
  });

  it('drops a batch Loki rejects (400) without retrying it, and goes on with the next', async () => {
    const loki = fakeLoki((n) => (n === 0 ? { kind: 'rejected', error: 'HTTP 400: bad labels' } : { kind: 'sent' }));
    const { totals, out } = counter();
    const shipper = new LokiShipper(config, loki.client, streams, out);
    for (let i = 0; i < 15; i++) shipper.enqueue(event(i)); // 1500 bytes: two batches of ≤ 1000
    await shipper.flush(deadlineIn(2000), true);
    expect(loki.calls()).toBe(2);
    expect(totals.dropped).toEqual({ rejected: 10 });
    expect(totals.sent).toEqual({ ok: 5 });
    expect(totals.errors).toEqual(['HTTP 400: bad labels']);
  });

  it('drops a batch after maxRetries failed retries and counts it', async () => {
    const loki = fakeLoki(() => ({
      kind: 'retry',
      reason: 'server_error',
      retryAfterMs: undefined,
      error: 'HTTP 500',
    }));
    const { totals, out } = counter();
    const shipper = new LokiShipper(config, loki.client, streams, out);
    for (let i = 0; i < 3; i++) shipper.enqueue(event(i));
    await shipper.flush(deadlineIn(2000), false);
    expect(loki.calls()).toBe(config.maxRetries + 1);
    expect(totals.retried).toEqual({ server_error: 3 * config.maxRetries });
    expect(totals.dropped).toEqual({ retries_exhausted: 3 });
  });

  it('waits for the batch interval, unless a batch is full', async () => {
    const loki = fakeLoki(() => ({ kind: 'sent' }));
    const { out } = counter();
    const shipper = new LokiShipper({ ...config, batchIntervalMs: 300 }, loki.client, streams, out);
    shipper.enqueue(event(1));
    await new Promise((r) => setTimeout(r, 100));
    expect(loki.calls()).toBe(0);
    for (let i = 2; i <= 10; i++) shipper.enqueue(event(i)); // 1000 bytes: a full batch leaves now
    await new Promise((r) => setTimeout(r, 50));
    expect(loki.calls()).toBe(1);
    await shipper.flush(deadlineIn(1000), true);
  });

  it('gives up at a final flush deadline, counting what is left as dropped at shutdown', async () => {
    const loki = fakeLoki(() => ({ kind: 'retry', reason: 'network', retryAfterMs: undefined, error: 'ECONNREFUSED' }));
    const { totals, out } = counter();
    const shipper = new LokiShipper({ ...config, maxRetries: 1000 }, loki.client, streams, out);
    for (let i = 0; i < 20; i++) shipper.enqueue(event(i));
    const started = performance.now();
    await shipper.flush(deadlineIn(300), true);
    expect(performance.now() - started).toBeLessThan(600);
    expect(totals.dropped).toEqual({ shutdown: 20 });
    shipper.enqueue(event(99)); // after the end: counted, not kept
    expect(sum(totals.dropped)).toBe(21);
    expect(shipper.bufferedEvents).toBe(0);
  });

  /** A push whose body went out and whose answer never came (push-client's abandoned request). */
  const unanswered = (timing: PushTiming): PushResult => {
    timing.onBodySent?.();
    return {
      kind: 'retry',
      reason: 'network',
      retryAfterMs: undefined,
      error: 'no answer within 2000 ms; Loki may have stored the push',
      unconfirmed: true,
    };
  };

  it('waits for a late answer as long again as timeoutMs, never past a flush deadline', async () => {
    const loki = fakeLoki(() => ({ kind: 'sent' }));
    const { out } = counter();
    const shipper = new LokiShipper({ ...config, batchIntervalMs: 10 }, loki.client, streams, out);
    shipper.enqueue(event(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(loki.timings[0]).toMatchObject({ timeoutMs: 1000, lateAnswerMs: 1000 });
    shipper.enqueue(event(2));
    await shipper.flush(deadlineIn(1500), true);
    expect(loki.timings[1]!.timeoutMs).toBe(1000);
    expect(loki.timings[1]!.lateAnswerMs).toBeLessThanOrEqual(500);
  });

  it('counts a batch whose pushes went unanswered as unknown when retries run out, resending it byte for byte', async () => {
    const loki = fakeLoki((n, timing) =>
      n === 0
        ? unanswered(timing)
        : { kind: 'retry', reason: 'server_error', retryAfterMs: undefined, error: 'HTTP 500' },
    );
    const { totals, out } = counter();
    const shipper = new LokiShipper(config, loki.client, streams, out);
    for (let i = 0; i < 3; i++) shipper.enqueue(event(i));
    await shipper.flush(deadlineIn(2000), false);
    expect(loki.calls()).toBe(config.maxRetries + 1);
    // The first push may be stored; a later 500 does not undo that.
    expect(totals.unknown).toEqual({ timeout_unconfirmed: 3 });
    expect(totals.dropped).toEqual({});
    for (const body of loki.bodies) expect(body.equals(loki.bodies[0]!)).toBe(true);
  });

  it('at a final flush, counts the push on the wire as unknown once its body went out, dropped before', async () => {
    for (const sentBody of [true, false]) {
      const loki = fakeLoki(
        (_n, timing) =>
          new Promise<PushResult>((resolve) => {
            if (sentBody) timing.onBodySent?.();
            setTimeout(() => resolve({ kind: 'sent' }), 300); // too late: the flush ends first
          }),
      );
      const { totals, out } = counter();
      const shipper = new LokiShipper({ ...config, batchIntervalMs: 10 }, loki.client, streams, out);
      for (let i = 0; i < 4; i++) shipper.enqueue(event(i));
      await new Promise((r) => setTimeout(r, 50)); // the push is on the wire
      shipper.enqueue(event(4)); // still queued at the deadline: dropped either way
      await shipper.flush(deadlineIn(100), true);
      if (sentBody) {
        expect(totals.unknown).toEqual({ timeout_unconfirmed: 4 });
        expect(totals.dropped).toEqual({ shutdown: 1 });
      } else {
        expect(totals.unknown).toEqual({});
        expect(totals.dropped).toEqual({ shutdown: 5 });
      }
    }
  });

  it('counts events evicted from a batch that may be stored as unknown, not dropped', async () => {
    const loki = fakeLoki((n, timing) =>
      n === 0
        ? unanswered(timing)
        : { kind: 'retry', reason: 'network', retryAfterMs: undefined, error: 'ECONNREFUSED' },
    );
    const { totals, out } = counter();
    const shipper = new LokiShipper(
      { ...config, maxRetries: 1000, minBackoffMs: 200, maxBackoffMs: 200 },
      loki.client,
      streams,
      out,
    );
    for (let i = 0; i < 10; i++) shipper.enqueue(event(i)); // one full batch, pushed at once, unanswered
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 10; i < 52; i++) shipper.enqueue(event(i)); // 5200 bytes > 5000: the oldest make room
    expect(totals.unknown).toEqual({ timeout_unconfirmed: 2 });
    expect(totals.dropped).toEqual({});
    await shipper.flush(deadlineIn(50), true);
    expect(totals.unknown).toEqual({ timeout_unconfirmed: 10 }); // the rest of the batch
    expect(totals.dropped).toEqual({ shutdown: 42 });
  });

  it('drops an event larger than Loki accepts instead of sending a batch Loki would reject', () => {
    const { totals, out } = counter();
    const shipper = new LokiShipper(config, fakeLoki(() => ({ kind: 'sent' })).client, streams, out);
    shipper.enqueue(event(1, config.maxLineBytes + 1));
    expect(totals.dropped).toEqual({ too_large: 1 });
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter, capped', () => {
    expect(backoffDelay(1, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelay(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(4, 500, 30_000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(3, 500, 30_000)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
