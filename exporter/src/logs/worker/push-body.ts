import { gzipSync } from 'node:zlib';
import { compress } from 'snappyjs';

// Loki push request bodies: snappy-compressed protobuf (Loki's native format) or gzipped JSON.
//
// The protobuf is Loki's pkg/push/push.proto (package logproto), encoded by hand: the message is
// three levels deep and only strings, a Timestamp and lengths are written, so one exactly-sized
// buffer is cheaper than a generic encoder's object graph (this runs for every event shipped).
//   PushRequest      { repeated StreamAdapter streams = 1; }
//   StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; }
//   EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2;
//                      repeated LabelPairAdapter structuredMetadata = 3; }
//   LabelPairAdapter { string name = 1; string value = 2; }
//   Timestamp        { int64 seconds = 1; int32 nanos = 2; }

export interface PushEntry {
  /** Epoch milliseconds. */
  timeMs: number;
  /** Extra nanoseconds within the millisecond (0..999 999): keeps lines of one ms in order. */
  subNs: number;
  line: string;
  /** Structured metadata as flat [name, value, name, value, …]. */
  metadata: string[];
}

export interface PushStream {
  /** Rendered label set, `{env="prod", service_name="api"}`. */
  labels: string;
  /** The same labels as a map, for the JSON format. */
  labelMap: Readonly<Record<string, string>>;
  entries: PushEntry[];
}

/** Nanosecond epoch timestamp as a decimal string (JSON format; exact beyond 2^53). */
export function nanosString(timeMs: number, subNs: number): string {
  return String(timeMs) + String(subNs).padStart(6, '0');
}

/** Field tags: (field number << 3) | wire type 2 (length-delimited) or 0 (varint). */
const TAG_1_LEN = 0x0a;
const TAG_2_LEN = 0x12;
const TAG_3_LEN = 0x1a;
const TAG_1_VARINT = 0x08;
const TAG_2_VARINT = 0x10;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Size of a length-delimited field (tag + length + payload). */
const fieldSize = (payload: number): number => 1 + varintSize(payload) + payload;

interface EntrySizes {
  line: number;
  meta: number[];
  timestamp: number;
  entry: number;
}

export function protobufPushBody(streams: readonly PushStream[]): Uint8Array {
  // Pass 1: every size, so the buffer is allocated once and lengths are known when written.
  const sizes: { labels: number; entries: EntrySizes[]; stream: number }[] = [];
  let total = 0;
  for (const s of streams) {
    const labels = Buffer.byteLength(s.labels);
    let stream = fieldSize(labels);
    const entries: EntrySizes[] = [];
    for (const e of s.entries) {
      const seconds = Math.floor(e.timeMs / 1000);
      const nanos = (e.timeMs - seconds * 1000) * 1_000_000 + e.subNs;
      const timestamp = 1 + varintSize(seconds) + (nanos > 0 ? 1 + varintSize(nanos) : 0);
      const line = Buffer.byteLength(e.line);
      let entry = fieldSize(timestamp) + fieldSize(line);
      const meta: number[] = [];
      for (let i = 0; i < e.metadata.length; i += 2) {
        const name = Buffer.byteLength(e.metadata[i]!);
        const value = Buffer.byteLength(e.metadata[i + 1]!);
        meta.push(name, value);
        entry += fieldSize(fieldSize(name) + fieldSize(value));
      }
      entries.push({ line, meta, timestamp, entry });
      stream += fieldSize(entry);
    }
    sizes.push({ labels, entries, stream });
    total += fieldSize(stream);
  }

  // Pass 2: write.
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  const varint = (n: number): void => {
    while (n >= 0x80) {
      buf[pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[pos++] = n;
  };
  const string = (tag: number, value: string, bytes: number): void => {
    buf[pos++] = tag;
    varint(bytes);
    pos += buf.write(value, pos, bytes, 'utf8');
  };
  streams.forEach((s, si) => {
    const size = sizes[si]!;
    buf[pos++] = TAG_1_LEN;
    varint(size.stream);
    string(TAG_1_LEN, s.labels, size.labels);
    s.entries.forEach((e, ei) => {
      const es = size.entries[ei]!;
      buf[pos++] = TAG_2_LEN;
      varint(es.entry);
      const seconds = Math.floor(e.timeMs / 1000);
      const nanos = (e.timeMs - seconds * 1000) * 1_000_000 + e.subNs;
      buf[pos++] = TAG_1_LEN;
      varint(es.timestamp);
      buf[pos++] = TAG_1_VARINT;
      varint(seconds);
      if (nanos > 0) {
        buf[pos++] = TAG_2_VARINT;
        varint(nanos);
      }
      string(TAG_2_LEN, e.line, es.line);
      for (let i = 0; i < e.metadata.length; i += 2) {
        const name = es.meta[i]!;
        const value = es.meta[i + 1]!;
        buf[pos++] = TAG_3_LEN;
        varint(fieldSize(name) + fieldSize(value));
        string(TAG_1_LEN, e.metadata[i]!, name);
        string(TAG_2_LEN, e.metadata[i + 1]!, value);
      }
    });
  });
  return compress(buf);
}

/** The JSON body, gzip-compressed (send with `Content-Encoding: gzip`, which Loki accepts). */
export function jsonPushBody(streams: readonly PushStream[]): Buffer {
  return gzipSync(jsonPushText(streams), { level: 1 });
}

export function jsonPushText(streams: readonly PushStream[]): string {
  return JSON.stringify({
    streams: streams.map((s) => ({
      stream: s.labelMap,
      values: s.entries.map((e) => {
        const ts = nanosString(e.timeMs, e.subNs);
        if (e.metadata.length === 0) return [ts, e.line];
        const meta: Record<string, string> = {};
        for (let i = 0; i < e.metadata.length; i += 2) meta[e.metadata[i]!] = e.metadata[i + 1]!;
        return [ts, e.line, meta];
      }),
    })),
  });
}

/** `{a="x", b="y"}` with Prometheus/LogQL string escaping, names sorted (Loki sorts them too). */
export function renderLabels(labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((name) => `${name}="${escapeLabelValue(labels[name]!)}"`);
  return `{${parts.join(', ')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
