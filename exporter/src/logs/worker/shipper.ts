import type { LOG_OUTCOME_REASONS } from '../../catalog/logs';
import { backoffDelay } from './backoff';
import type { QueuedEvent } from './delivery-queue';
import { DeliveryQueue } from './delivery-queue';
import type { PushClient, PushResult } from './push-client';
import type { PushStream } from './push-body';
import { jsonPushBody, protobufPushBody } from './push-body';
import type { Counts, ShipperConfig } from './protocol';

// Batches queued events and pushes them to Loki, one request at a time, keeping the delivery
// promises: retry 429/5xx/connection errors with backoff and jitter, drop-and-count on other
// 4xx, bounded bytes with oldest-first eviction, every event ending in exactly one of
// sent/dropped/unknown. Runs in the shipping thread; knows nothing about worker_threads (unit-testable).
//
// `unknown`: a push that got no answer in time may have been stored (see push-client.ts). It is
// resent as it was (same stream, timestamps, lines and metadata), which Loki ignores as an exact
// duplicate — grafana/loki docs/sources/get-started/components.md ("identical nanosecond
// timestamps": an incoming line matching the previous timestamp and text "will be treated as an
// exact duplicate and ignored"), and with out-of-order writes on, pkg/chunkenc/unordered.go
// (unorderedHeadBlock.Append ignores an entry with the same timestamp, line and structured
// metadata). So a resend cannot double a stored event; but if the batch is never confirmed
// (retries run out, shutdown's deadline, eviction) it is counted as unknown, not dropped.

export interface OutcomeCounter {
  sent(reason: string, n: number): void;
  dropped(reason: string, n: number): void;
  /** Final, neither sent nor dropped: pushed, never confirmed, maybe stored. */
  unknown(reason: string, n: number): void;
  retried(reason: string, n: number): void;
  error(message: string): void;
}

export interface StreamLabels {
  labels: string;
  labelMap: Readonly<Record<string, string>>;
}

const UNCONFIRMED: (typeof LOG_OUTCOME_REASONS.unknown)[number] = 'timeout_unconfirmed';

export class LokiShipper {
  private readonly queue: DeliveryQueue;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Infinity;
  private sending = false;
  /** The body of the request on the wire went out in full: Loki may be storing it. */
  private bodySent = false;
  /** An attempt of the current batch got no answer in time: Loki may have stored it. */
  private batchUnconfirmed = false;
  private retries = 0;
  private nextAttemptAt = 0;
  /** Flushes waiting for the queue to empty: resolve, and their deadline. */
  private flushes: { deadline: number; resolve: () => void }[] = [];
  private closed = false;

  constructor(
    private readonly config: ShipperConfig,
    private readonly client: PushClient,
    private readonly streams: (key: string) => StreamLabels,
    private readonly outcomes: OutcomeCounter,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.queue = new DeliveryQueue(config.bufferMaxBytes);
  }

  get bufferedBytes(): number {
    return this.queue.bytes;
  }

  get bufferedEvents(): number {
    return this.queue.count;
  }

  enqueue(event: QueuedEvent): void {
    if (this.closed) {
      this.outcomes.dropped('shutdown', 1);
      return;
    }
    if (event.bytes > this.config.maxLineBytes) {
      this.outcomes.dropped('too_large', 1);
      return;
    }
    const batchBefore = this.queue.batchCount;
    const evicted = this.queue.push(event);
    // Events evicted from a batch that may be stored already are not known to be lost. (While its
    // request is on the wire its evictions are settled by the answer, see `attempt`.)
    const unconfirmed = this.batchUnconfirmed && !this.sending ? batchBefore - this.queue.batchCount : 0;
    if (unconfirmed > 0) this.outcomes.unknown(UNCONFIRMED, unconfirmed);
    if (evicted > unconfirmed) this.outcomes.dropped('buffer_full', evicted - unconfirmed);
    this.schedule();
  }

  /**
   * Sends everything buffered without waiting for the batch interval. Resolves when the buffer
   * is empty or at `deadline` (performance.now() time); a final flush then drops what is left.
   */
  flush(deadline: number, final: boolean): Promise<number> {
    return new Promise<void>((resolve) => {
      const entry = { deadline, resolve: (): void => {} };
      // Its own timer: the flush ends at its deadline whatever the shipper is doing.
      const timer = setTimeout(() => entry.resolve(), Math.max(0, deadline - this.now()));
      entry.resolve = () => {
        clearTimeout(timer);
        this.flushes = this.flushes.filter((f) => f !== entry);
        resolve();
      };
      this.flushes.push(entry);
      this.schedule();
    }).then(() => {
      if (final) {
        this.closed = true;
        // A push on the wire (or one that went unanswered before) may be stored: not known lost.
        if ((this.sending && this.bodySent) || this.batchUnconfirmed) {
          const maybeStored = this.queue.settleBatch();
          if (maybeStored > 0) this.outcomes.unknown(UNCONFIRMED, maybeStored);
        }
        const left = this.queue.clear();
        if (left > 0) this.outcomes.dropped('shutdown', left);
        clearTimeout(this.timer);
      }
      return this.queue.count;
    });
  }

  private get flushing(): boolean {
    return this.flushes.length > 0;
  }

  /** Ends the flushes that are waiting once nothing is left to send. */
  private settleFlushes(): void {
    if (this.queue.count > 0) return;
    for (const f of [...this.flushes]) f.resolve();
  }

  /** Arms the timer for the next attempt: now if a batch is full or a flush waits, else when the oldest event's interval ends. */
  private schedule(): void {
    if (this.sending || this.closed) return;
    if (this.queue.count === 0) {
      this.settleFlushes();
      return;
    }
    let due: number;
    if (this.queue.batchCount > 0) due = this.nextAttemptAt;
    else if (this.flushing || this.queue.bytes >= this.config.batchMaxBytes) due = this.now();
    else due = (this.queue.oldestQueuedAt ?? this.now()) + this.config.batchIntervalMs;
    if (this.timer !== undefined && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerDue = Infinity;
        void this.attempt();
      },
      Math.max(0, due - this.now()),
    );
  }

  private async attempt(): Promise<void> {
    if (this.sending || this.closed || this.queue.count === 0) return;
    const isRetry = this.queue.batchCount > 0;
    if (!isRetry) {
      this.retries = 0;
      this.batchUnconfirmed = false;
    }
    const batch = this.queue.takeBatch(this.config.batchMaxBytes);
    this.sending = true;
    this.bodySent = false;
    let result: PushResult;
    try {
      // The same events give the same body: a resend is byte-identical, so Loki dedups it.
      result = await this.client.push(this.body(batch), {
        ...this.requestTiming(),
        onBodySent: () => void (this.bodySent = true),
      });
    } catch (err) {
      // Encoding failed (a bug, not Loki): the batch can never be sent.
      result = { kind: 'rejected' as const, error: `encoding failed: ${(err as Error).message}` };
    }
    this.sending = false;
    this.bodySent = false;
    if (this.closed) return; // a final flush gave up on this batch and already counted it
    if (result.kind === 'retry' && result.unconfirmed === true) this.batchUnconfirmed = true;
    if (result.kind === 'sent') {
      this.outcomes.sent('ok', this.queue.settleBatch());
    } else if (result.kind === 'rejected') {
      this.outcomes.error(result.error);
      this.settleUnsent('rejected', this.queue.settleBatch());
    } else {
      this.outcomes.error(result.error);
      this.retries++;
      if (this.retries > this.config.maxRetries) {
        this.settleUnsent('retries_exhausted', this.queue.settleBatch());
      } else {
        const evicted = this.queue.keepBatch();
        if (evicted > 0) this.settleUnsent('buffer_full', evicted);
        this.outcomes.retried(result.reason, batch.length - evicted);
        const delay = Math.min(
          this.config.maxBackoffMs,
          Math.max(
            result.retryAfterMs ?? 0,
            backoffDelay(this.retries, this.config.minBackoffMs, this.config.maxBackoffMs),
          ),
        );
        this.nextAttemptAt = this.now() + delay;
      }
    }
    this.settleFlushes();
    this.schedule();
  }

  /** Events that reached a final outcome without a 2xx: unknown if an earlier attempt may have stored them. */
  private settleUnsent(reason: string, n: number): void {
    if (this.batchUnconfirmed) this.outcomes.unknown(UNCONFIRMED, n);
    else this.outcomes.dropped(reason, n);
  }

  /**
   * A request waits `timeoutMs` for its answer, then as long again for a late one (see
   * push-client.ts), but never past the earliest waiting flush deadline.
   */
  private requestTiming(): { timeoutMs: number; lateAnswerMs: number } {
    let total = 2 * this.config.timeoutMs;
    for (const f of this.flushes) total = Math.min(total, Math.max(50, f.deadline - this.now()));
    const timeoutMs = Math.min(this.config.timeoutMs, total);
    return { timeoutMs, lateAnswerMs: total - timeoutMs };
  }

  private body(batch: readonly QueuedEvent[]): Uint8Array | string {
    const byStream = new Map<string, PushStream>();
    for (const e of batch) {
      let s = byStream.get(e.stream);
      if (s === undefined) {
        const { labels, labelMap } = this.streams(e.stream);
        s = { labels, labelMap, entries: [] };
        byStream.set(e.stream, s);
      }
      s.entries.push(e);
    }
    const streams = [...byStream.values()];
    return this.config.format === 'json' ? jsonPushBody(streams) : protobufPushBody(streams);
  }
}

export function emptyCounts(): { sent: Counts; dropped: Counts; retried: Counts; unknown: Counts } {
  return { sent: {}, dropped: {}, retried: {}, unknown: {} };
}
