import { EventEmitter } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { EVENT_KINDS, LOG_LEVELS, LOG_METADATA_KEYS, LOG_TAG_PREFIX, LOKI_LABELS } from '../../catalog/logs';
import type { DeliveryReport, FlushedMessage, WorkerData } from './protocol';
import { CONTROL_PREFIX, FLUSHED_EVENT, REPORT_EVENT, SETTLED_INDEX, parseControlLine } from './protocol';
import { renderLabels } from './push-body';
import { createPushClient } from './push-client';
import type { StreamLabels } from './shipper';
import { LokiShipper, emptyCounts } from './shipper';

// Pulse's pino transport: runs in a worker thread started by pino.transport(). pino-loki 3 cannot
// keep Pulse's delivery promises (it drops a failed batch without retry, caps entries not bytes,
// and the main thread never learns of a failure), so this target does the shipping itself and
// reports every outcome back to the main thread, whose registry counts it.

const KINDS = new Set<string>(EVENT_KINDS);
const LEVELS = new Set<string>(LOG_LEVELS);
const MAX_TAGS = 20;

/** The destination thread-stream writes to: newline-delimited pino lines, in chunks. */
class LineSink extends EventEmitter {
  writableNeedDrain = false;
  writableEnded = false;
  private carry = '';
  received = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onControl: (line: string) => void,
    private readonly onEnd: () => Promise<void>,
  ) {
    super();
  }

  write(chunk: string): boolean {
    let start = 0;
    let data = chunk;
    if (this.carry !== '') {
      data = this.carry + chunk;
      this.carry = '';
    }
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
      if (nl > start) this.line(data.slice(start, nl));
      start = nl + 1;
    }
    if (start < data.length) this.carry = data.slice(start);
    return true;
  }

  end(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    void this.onEnd().finally(() => this.emit('close'));
  }

  private line(line: string): void {
    if (line.startsWith(CONTROL_PREFIX)) {
      this.onControl(line);
      return;
    }
    this.received++;
    this.onLine(line);
  }
}

export default async function lokiTransport(data: WorkerData): Promise<LineSink> {
  const { config } = data;
  const settled = new Int32Array(data.settled);
  let counts = emptyCounts();
  let lastError: string | undefined;
  let dirty = false;

  const settle = (n: number): void => {
    Atomics.add(settled, SETTLED_INDEX, n);
    Atomics.notify(settled, SETTLED_INDEX);
  };
  const add = (bucket: Record<string, number>, reason: string, n: number): void => {
    if (n <= 0) return;
    bucket[reason] = (bucket[reason] ?? 0) + n;
    dirty = true;
  };

  const streamCache = new Map<string, StreamLabels>();
  const streamFor = (key: string): StreamLabels => {
    let s = streamCache.get(key);
    if (s === undefined) {
      const [level, kind] = key.split('\u0000') as [string, string];
      const labelMap = { ...config.staticLabels, [LOKI_LABELS.level]: level, [LOKI_LABELS.eventKind]: kind };
      s = { labels: renderLabels(labelMap), labelMap };
      streamCache.set(key, s);
    }
    return s;
  };

  const client =
    config.format === 'json'
      ? createPushClient(config.pushUrl, {
          ...config.headers,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        })
      : createPushClient(config.pushUrl, { ...config.headers, 'content-type': 'application/x-protobuf' });
  const shipper = new LokiShipper(config, client, streamFor, {
    sent(reason, n) {
      add(counts.sent, reason, n);
      settle(n);
    },
    dropped(reason, n) {
      add(counts.dropped, reason, n);
      settle(n);
    },
    unknown(reason, n) {
      add(counts.unknown, reason, n);
      settle(n);
    },
    retried(reason, n) {
      add(counts.retried, reason, n);
    },
    error(message) {
      lastError = message;
    },
  });

  const report = (): void => {
    const r: DeliveryReport = {
      ...counts,
      received: sink.received,
      bufferedBytes: shipper.bufferedBytes,
      bufferedEvents: shipper.bufferedEvents,
      lastError,
    };
    counts = emptyCounts();
    dirty = false;
    parentPort?.postMessage({ code: 'EVENT', name: REPORT_EVENT, args: [r] });
  };
  let lastReportedBytes = -1;
  const reportTimer = setInterval(() => {
    if (dirty || shipper.bufferedBytes !== lastReportedBytes) {
      lastReportedBytes = shipper.bufferedBytes;
      report();
    }
  }, config.reportIntervalMs);

  let lastMs = 0;
  let subNs = 0;
  const onLine = (line: string): void => {
    let level = 'info';
    let kind = 'log';
    const metadata: string[] = [];
    let time = Date.now();
    try {
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (typeof obj.level === 'string' && LEVELS.has(obj.level)) level = obj.level;
      if (typeof obj.event_kind === 'string' && KINDS.has(obj.event_kind)) kind = obj.event_kind;
      // pino's time: when the event happened, not when this thread got to it.
      if (typeof obj.time === 'number' && obj.time > 0) time = Math.floor(obj.time);
      for (const key of LOG_METADATA_KEYS) {
        const v = obj[key];
        if ((typeof v === 'string' && v !== '') || typeof v === 'number') metadata.push(key, String(v));
      }
      const tags = obj.tags;
      if (tags !== null && typeof tags === 'object') {
        let n = 0;
        for (const [k, v] of Object.entries(tags)) {
          if (n++ >= MAX_TAGS) break;
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
            metadata.push(LOG_TAG_PREFIX + k.replace(/[^a-zA-Z0-9_]/g, '_'), String(v));
          }
        }
      }
    } catch {
      // Not JSON (a raw write to the transport): shipped as an info log line.
    }
    // Unique, ordered nanosecond timestamps for lines of the same millisecond.
    if (time === lastMs) subNs = Math.min(subNs + 1, 999_999);
    else {
      lastMs = time;
      subNs = 0;
    }
    let bytes = Buffer.byteLength(line);
    for (const m of metadata) bytes += m.length;
    shipper.enqueue({
      stream: level + '\u0000' + kind,
      timeMs: time,
      subNs,
      line,
      metadata,
      bytes,
      queuedAt: performance.now(),
    });
  };

  const onControl = (line: string): void => {
    const request = parseControlLine(line);
    if (request === undefined) return;
    // Deadlines travel as epoch ms (clocks of both threads agree on it), the shipper runs on performance.now().
    const deadline = performance.now() + Math.max(0, request.deadline - Date.now());
    void shipper.flush(deadline, request.final).then((remainingEvents) => {
      report();
      const message: FlushedMessage = { id: request.id, remainingEvents };
      parentPort?.postMessage({ code: 'EVENT', name: FLUSHED_EVENT, args: [message] });
    });
  };

  const sink: LineSink = new LineSink(onLine, onControl, async () => {
    // Normally a final flush came first and this finds nothing left.
    if (shipper.bufferedEvents > 0) await shipper.flush(performance.now() + config.endFlushTimeoutMs, true);
    clearInterval(reportTimer);
    report();
    client.close();
  });
  return sink;
}
