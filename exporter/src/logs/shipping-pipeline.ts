import pino from 'pino';
import { LOG_OUTCOME_REASONS, pulseLogBufferBytes, pulseLogEvents } from '../catalog/logs';
import type { PulseCore } from '../core';
import type { CounterSeries } from '../metrics/counter';
import type { DeliveryReport, FlushedMessage, ShipperConfig, WorkerData } from './worker/protocol';
import { FLUSHED_EVENT, REPORT_EVENT, SETTLED_INDEX, controlLine } from './worker/protocol';
import { shippingWorkerFile } from './worker-file';

// The main thread's end of log shipping: a pino destination that hands lines to the shipping
// thread (pino.transport → thread-stream's shared ring) and turns the thread's reports into
// `pulse_log_events_total`. Writing a line is a memory copy; it never waits for Loki.

/** What thread-stream (pino.transport's return value, typed `any` by pino) offers that we use. */
interface ThreadStream {
  write(data: string): boolean;
  flushSync(): void;
  end(): void;
  on(event: string, fn: (...args: never[]) => void): unknown;
  readonly closed: boolean;
  readonly destroyed: boolean;
  /** The thread has started and reads the ring. */
  readonly ready: boolean;
  readonly worker?: { terminate(): Promise<number> };
}

/**
 * Lines are handed to the thread in chunks: at most every COALESCE_MS, or at COALESCE_BYTES.
 * The thread then wakes a few dozen times a second instead of once per event, which matters
 * when it shares a core with the app (a 1-CPU container).
 */
const COALESCE_MS = 50;
const COALESCE_BYTES = 64 * 1024;
/** How long past a flush's deadline the thread's answer is awaited. */
const FLUSH_ANSWER_GRACE_MS = 50;

export interface DeliveryStatus {
  /** Lines handed to the shipping thread. */
  written: number;
  /** Lines that reached a final outcome (sent, dropped or unknown). */
  settled: number;
  bufferedBytes: number;
  bufferedEvents: number;
  lastError: string | undefined;
}

export interface LogPipeline {
  /** pino's destination. */
  readonly destination: { write(line: string): void };
  /** Sends what is buffered; `final` drops (and counts) what is left at the deadline and stops the thread. */
  flush(timeoutMs: number, final: boolean): Promise<void>;
  status(): DeliveryStatus;
}

/** Counts log outcomes in Pulse's registry; series are cached by key (a handful of outcome/reason pairs). */
export function logOutcomeCounter(core: PulseCore): (outcome: string, reason: string, n: number) => void {
  const counter = core.metrics.counter(pulseLogEvents);
  // Every outcome/reason pair the catalog knows is exposed at 0 from the start.
  counter.seed(
    Object.entries(LOG_OUTCOME_REASONS).flatMap(([outcome, reasons]) => reasons.map((reason) => [outcome, reason])),
  );
  const series = new Map<string, CounterSeries>();
  return (outcome, reason, n) => {
    const key = outcome + ':' + reason;
    let s = series.get(key);
    if (s === undefined) {
      s = counter.seriesFor([outcome, reason]);
      series.set(key, s);
    }
    s.inc(n);
  };
}

export function startShippingPipeline(
  core: PulseCore,
  config: ShipperConfig,
  exitFlushTimeoutMs: number,
  count: (outcome: string, reason: string, n: number) => void,
): LogPipeline {
  const settledBuffer = new SharedArrayBuffer(4);
  const settled = new Int32Array(settledBuffer);
  const workerData: WorkerData = { config, settled: settledBuffer };
  // Registered before the transport, so that at exit it runs before pino's own handler (which,
  // while the thread is still starting, ends the stream).
  const exitListener = (): void => onExit();
  process.on('exit', exitListener);
  // autoEnd off: pino would end the thread at exit before our exit flush could use it.
  const stream = pino.transport({
    target: shippingWorkerFile(),
    options: workerData,
    worker: { autoEnd: false },
  }) as ThreadStream;

  let written = 0;
  /** Lines the thread reported as sent, dropped or unknown: written − finished is what is still in its hands. */
  let finished = 0;
  let blocked = false;
  let failed = false;
  let ended = false;
  let lastReport: DeliveryReport | undefined;
  let flushId = 0;
  const flushWaiters = new Map<number, () => void>();

  core.metrics.gauge(pulseLogBufferBytes, (gauge) => {
    gauge.set([], lastReport?.bufferedBytes ?? 0);
  });

  stream.on(REPORT_EVENT, (report: DeliveryReport) => {
    // After the end (or the thread's death) the leftovers were counted here already.
    if (ended || failed) return;
    lastReport = report;
    for (const [reason, n] of Object.entries(report.sent)) {
      count('sent', reason, n);
      finished += n;
    }
    for (const [reason, n] of Object.entries(report.dropped)) {
      count('dropped', reason, n);
      finished += n;
    }
    for (const [reason, n] of Object.entries(report.unknown)) {
      count('unknown', reason, n);
      finished += n;
    }
    for (const [reason, n] of Object.entries(report.retried)) count('retried', reason, n);
  });
  stream.on(FLUSHED_EVENT, (message: FlushedMessage) => {
    flushWaiters.get(message.id)?.();
  });
  stream.on('drain', () => {
    blocked = false;
  });
  stream.on('error', (err: Error) => {
    if (ended) return; // a thread ended at shutdown: what it held was counted already
    core.internalError('logs', err);
  });
  stream.on('close', () => {
    for (const resolve of flushWaiters.values()) resolve();
    if (ended || failed) return;
    // The shipping thread died: what it held, and what was on its way to it, is lost.
    failed = true;
    if (written > finished) count('dropped', 'worker_failed', written - finished);
    core.internalError('logs', new Error('log shipping thread exited'));
  });

  let pending = '';
  let pendingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Hands the lines written since the last time to the thread. */
  const handOver = (): void => {
    clearTimeout(pendingTimer);
    pendingTimer = undefined;
    if (pending === '' || failed) return;
    const chunk = pending;
    pending = '';
    // A full ring: the thread is starved or stuck; later lines are dropped until it drains.
    if (!stream.write(chunk)) blocked = true;
  };

  const destination = {
    write(line: string): void {
      if (failed || ended) {
        count('dropped', failed ? 'worker_failed' : 'shutdown', 1);
        return;
      }
      if (blocked) {
        // Dropping here keeps the host's memory bounded and its thread free.
        count('dropped', 'backpressure', 1);
        return;
      }
      written++;
      pending += line;
      if (pending.length >= COALESCE_BYTES) handOver();
      else if (pendingTimer === undefined) pendingTimer = setTimeout(handOver, COALESCE_MS).unref();
    },
  };

  const onExit = (): void => {
    if (ended || failed) return;
    handOver();
    if (exitFlushTimeoutMs === 0 || written - Atomics.load(settled, SETTLED_INDEX) <= 0) return;
    // Before the thread is ready, pino's own exit handler (next) ends the stream, and the thread
    // spends up to exitFlushTimeoutMs delivering (see the worker's end).
    if (!stream.ready) return;
    // The process is exiting (process.exit(), a crash): the event loop is gone, but the shipping
    // thread still runs. Block this thread a bounded time so the last events — often the crash
    // itself — reach Loki.
    const until = Date.now() + exitFlushTimeoutMs;
    try {
      stream.write(controlLine({ id: ++flushId, deadline: until, final: true }));
      stream.flushSync();
      for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
        const done = Atomics.load(settled, SETTLED_INDEX);
        if (written - done <= 0) break;
        Atomics.wait(settled, SETTLED_INDEX, done, Math.min(left, 50));
      }
    } catch {
      // The thread is gone; nothing more can be done at exit.
    }
  };

  return {
    destination,
    flush(timeoutMs, final) {
      if (ended || failed) return Promise.resolve();
      const id = ++flushId;
      const deadline = Date.now() + timeoutMs;
      return new Promise<void>((resolve) => {
        // A small margin past the deadline for the thread's answer, then we stop waiting: a thread
        // still starting (or stuck) must not hold the app's shutdown past its deadline. What it
        // did not report by then is counted as dropped below.
        const timer = setTimeout(resolve, timeoutMs + FLUSH_ANSWER_GRACE_MS);
        flushWaiters.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
        handOver();
        stream.write(controlLine({ id, deadline, final }));
      }).then(() => {
        flushWaiters.delete(id);
        if (!final) return;
        ended = true;
        process.removeListener('exit', exitListener);
        // The thread reports before it answers a flush, so after a timely answer nothing is
        // left; after a late one, what it did not report is counted as lost here.
        if (written > finished) count('dropped', 'shutdown', written - finished);
        // Everything the thread held is counted now (sent, or dropped above). thread-stream's
        // end() would block this thread until the shipping thread reads the ring (its whole
        // start-up time, or a busy thread's next turn): terminate it instead, without waiting.
        try {
          void stream.worker?.terminate().catch(() => undefined);
        } catch (err) {
          core.internalError('logs', err);
        }
      });
    },
    status() {
      return {
        written,
        settled: Atomics.load(settled, SETTLED_INDEX),
        bufferedBytes: lastReport?.bufferedBytes ?? 0,
        bufferedEvents: lastReport?.bufferedEvents ?? 0,
        lastError: lastReport?.lastError,
      };
    },
  };
}
