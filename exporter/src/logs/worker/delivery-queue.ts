import type { PushEntry } from './push-body';

// The events waiting for Loki, bounded in bytes. When full, the oldest events make room (Loki
// being down should cost the oldest history, not the newest). The batch being attempted is held
// apart from the queue and is the oldest data, so it is evicted first — even while its request
// is on the wire: then the eviction is only settled by Loki's answer (delivered after all if the
// push succeeds, dropped if it is to be retried). Until that answer its memory stays referenced
// by the request: the real bound is bufferMaxBytes plus one batch.

export interface QueuedEvent extends PushEntry {
  /** Key of its stream's label set. */
  stream: string;
  /** Bytes it accounts for (line + metadata, UTF-8). */
  bytes: number;
  /** performance.now() when it was queued (batches leave `batchIntervalMs` after their first event). */
  queuedAt: number;
}

export class DeliveryQueue {
  private items: (QueuedEvent | undefined)[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** The batch being attempted, or waiting for its next attempt. */
  private batch: QueuedEvent[] = [];
  private batchHead = 0;
  private batchBytes = 0;
  /** Set while the batch's request is on the wire: how many events the request carries. */
  private onWire = 0;
  /** Events of the request on the wire evicted meanwhile: their fate is Loki's answer. */
  private evictedOnWire = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.queuedBytes + this.batchBytes;
  }

  get queuedCount(): number {
    return this.items.length - this.head;
  }

  /** Events of the current batch still held (evicted ones excluded). */
  get batchCount(): number {
    return this.batch.length - this.batchHead;
  }

  get count(): number {
    return this.queuedCount + this.batchCount;
  }

  /** queuedAt of the oldest event not yet in a batch. */
  get oldestQueuedAt(): number | undefined {
    return this.items[this.head]?.queuedAt;
  }

  /**
   * Adds an event; returns how many events were dropped to make room now (the new one included
   * if it is larger than the whole buffer). Evictions from a request on the wire are not
   * included: `keepBatch` reports them once Loki has answered.
   */
  push(event: QueuedEvent): number {
    let dropped = 0;
    while (this.bytes + event.bytes > this.maxBytes) {
      const evicted = this.evictOldest();
      if (evicted === 'none') return dropped + 1;
      if (evicted === 'now') dropped++;
    }
    this.items.push(event);
    this.queuedBytes += event.bytes;
    return dropped;
  }

  /** The batch to attempt: the one waiting for a retry, else up to maxBytes (at least one event) from the queue. */
  takeBatch(maxBytes: number): readonly QueuedEvent[] {
    if (this.batchCount === 0) {
      this.batch = [];
      this.batchHead = 0;
      this.batchBytes = 0;
      while (this.head < this.items.length) {
        const next = this.items[this.head]!;
        if (this.batch.length > 0 && this.batchBytes + next.bytes > maxBytes) break;
        this.items[this.head++] = undefined;
        this.queuedBytes -= next.bytes;
        this.batch.push(next);
        this.batchBytes += next.bytes;
      }
      this.compact();
    }
    const request = this.batchHead === 0 ? this.batch : this.batch.slice(this.batchHead);
    this.onWire = request.length;
    this.evictedOnWire = 0;
    return request;
  }

  /** The attempt failed and the batch waits for another; returns the events evicted during it (now dropped). */
  keepBatch(): number {
    const lost = this.evictedOnWire;
    this.onWire = 0;
    this.evictedOnWire = 0;
    if (this.batchCount === 0) this.resetBatch();
    return lost;
  }

  /** The batch reached a final outcome; returns how many events it carries (all of the request when on the wire). */
  settleBatch(): number {
    const n = this.onWire > 0 ? this.onWire : this.batchCount;
    this.resetBatch();
    return n;
  }

  /** Empties everything (a request on the wire included: its answer will be ignored); returns how many events that was. */
  clear(): number {
    const n = this.queuedCount + this.settleBatch();
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
    return n;
  }

  private resetBatch(): void {
    this.batch = [];
    this.batchHead = 0;
    this.batchBytes = 0;
    this.onWire = 0;
    this.evictedOnWire = 0;
  }

  /** 'now': dropped; 'deferred': evicted from a request on the wire; 'none': nothing left to evict. */
  private evictOldest(): 'now' | 'deferred' | 'none' {
    if (this.batchCount > 0) {
      const e = this.batch[this.batchHead]!;
      this.batch[this.batchHead++] = undefined as unknown as QueuedEvent;
      this.batchBytes -= e.bytes;
      if (this.onWire > 0) {
        this.evictedOnWire++;
        return 'deferred';
      }
      return 'now';
    }
    if (this.head < this.items.length) {
      const e = this.items[this.head]!;
      this.items[this.head++] = undefined;
      this.queuedBytes -= e.bytes;
      this.compact();
      return 'now';
    }
    return 'none';
  }

  /** Shift cost stays O(1) amortised: slots before `head` are reclaimed in bulk. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    } else if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
  }
}
