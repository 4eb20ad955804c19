import type { ResolvedLokiOptions } from '../options';

// What the main thread and the shipping thread say to each other. Lines travel through pino's
// transport ring (thread-stream); control requests travel in-band as lines starting with
// CONTROL_PREFIX (pino never writes a line that does not start with "{"), so a flush request
// arrives after every line written before it. Reports come back as thread-stream EVENT messages.

export const CONTROL_PREFIX = '#pulse:';
export const REPORT_EVENT = 'pulse:report';
export const FLUSHED_EVENT = 'pulse:flushed';

/** Index into the shared Int32Array: events that reached a final outcome (sent or dropped). */
export const SETTLED_INDEX = 0;

export interface ShipperConfig extends ResolvedLokiOptions {
  /** Stream labels every event carries (service_name, env, extra static labels). */
  staticLabels: Record<string, string>;
  /** How often the worker reports counts back (ms). */
  reportIntervalMs: number;
  /**
   * When the stream ends without a final flush first (the process exits before the thread was
   * ready, and pino ends the stream), this long is spent delivering what is buffered.
   */
  endFlushTimeoutMs: number;
}

export interface WorkerData {
  config: ShipperConfig;
  /** Int32Array(1) over it: settled event count, for the exit-time flush (Atomics.wait). */
  settled: SharedArrayBuffer;
}

export type Counts = Record<string, number>;

/** Deltas since the previous report, plus the current buffer state. */
export interface DeliveryReport {
  sent: Counts;
  dropped: Counts;
  retried: Counts;
  /** Pushed but never confirmed (no answer in time): maybe stored, not known lost. */
  unknown: Counts;
  /** Lines taken in since the worker started (total, not a delta). */
  received: number;
  bufferedBytes: number;
  bufferedEvents: number;
  /** The latest failure, e.g. Loki's 400 message. */
  lastError: string | undefined;
}

export interface FlushRequest {
  id: number;
  /** Epoch ms by which the flush gives up. */
  deadline: number;
  /** Final: drop (and count) what is left at the deadline, and stop taking events. */
  final: boolean;
}

export interface FlushedMessage {
  id: number;
  remainingEvents: number;
}

export function controlLine(request: FlushRequest): string {
  return `${CONTROL_PREFIX}flush ${request.id} ${request.deadline} ${request.final ? 1 : 0}\n`;
}

export function parseControlLine(line: string): FlushRequest | undefined {
  const m = /^#pulse:flush (\d+) (\d+) ([01])$/.exec(line);
  return m === null ? undefined : { id: Number(m[1]), deadline: Number(m[2]), final: m[3] === '1' };
}
