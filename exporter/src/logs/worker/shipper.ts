import { backoffDelay } from './backoff';
import type { QueuedEvent } from './delivery-queue';
import { DeliveryQueue } from './delivery-queue';
import type { PushClient } from './push-client';
import type { PushStream } from './push-body';
import { jsonPushBody, protobufPushBody } from './push-body';
import type { Counts, ShipperConfig } from './protocol';

// Batches queued events and pushes them to Loki, one request at a time, keeping the delivery
// promises: retry 429/5xx/connection errors with backoff and jitter, drop-and-count on other
// 4xx, bounded bytes with oldest-first eviction, every event ending in exactly one of
// sent/dropped. Runs in the shipping thread; knows nothing about worker_threads (unit-testable).

export interface OutcomeCounter {
  sent(reason: string, n: number): void;
  dropped(reason: string, n: number): void;
  retried(reason: string, n: number): void;
  error(message: string): void;
}

export interface StreamLabels {
  labels: string;
  labelMap: Readonly<Record<string, string>>;
}

export class LokiShipper {
  private readonly queue: DeliveryQueue;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Infinity;
  private sending = false;
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
    const evicted = this.queue.push(event);
    if (evicted > 0) this.outcomes.dropped('buffer_full', evicted);
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
    if (!isRetry) this.retries = 0;
    const batch = this.queue.takeBatch(this.config.batchMaxBytes);
    this.sending = true;
    let result;
    try {
      result = await this.client.push(this.body(batch), this.requestTimeout());
    } catch (err) {
      // Encoding failed (a bug, not Loki): the batch can never be sent.
      result = { kind: 'rejected' as const, error: `encoding failed: ${(err as Error).message}` };
    }
    this.sending = false;
    if (this.closed) return; // a final flush gave up on this batch and already counted it
    if (result.kind === 'sent') {
      this.outcomes.sent('ok', this.queue.settleBatch());
    } else if (result.kind === 'rejected') {
      this.outcomes.error(result.error);
      this.outcomes.dropped('rejected', this.queue.settleBatch());
    } else {
      this.outcomes.error(result.error);
      this.retries++;
      if (this.retries > this.config.maxRetries) {
        this.outcomes.dropped('retries_exhausted', this.queue.settleBatch());
      } else {
        const evicted = this.queue.keepBatch();
        if (evicted > 0) this.outcomes.dropped('buffer_full', evicted);
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

  /** A request never outlives the earliest waiting flush deadline. */
  private requestTimeout(): number {
    let timeout = this.config.timeoutMs;
    for (const f of this.flushes) timeout = Math.min(timeout, Math.max(50, f.deadline - this.now()));
    return timeout;
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

export function emptyCounts(): { sent: Counts; dropped: Counts; retried: Counts } {
  return { sent: {}, dropped: {}, retried: {} };
}
