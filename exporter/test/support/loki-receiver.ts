/**
 * A Loki-compatible push receiver for tests.
 *
 * Why: the exporter's delivery promises (retry, drop, flush) and its wire format are only worth
 * something if what arrives is what Loki would store. This server accepts what Loki's
 * distributor accepts — `POST /loki/api/v1/push` as snappy-compressed protobuf (Loki's
 * `logproto.PushRequest`) or JSON, optionally gzip/deflate encoded — and rejects what it rejects
 * with a 400 (unparseable body or labels, invalid or duplicate label names, more than 15 labels,
 * too-long names/values/lines, entries older than a week or more than 10 min ahead, oversized
 * structured metadata). Like Loki it stores the valid streams of a partly invalid push, and
 * ignores an exact duplicate (same stream, timestamp and line). Tests can make it answer
 * 204/400/429/500, slowly, or not at all (`down()`), or store a push and then stall its answer
 * (`storeFirst`: Loki took the entries but the answer is late or never comes).
 *
 * The protobuf schema here is parsed from Loki's push.proto text, independently of the
 * exporter's own descriptor, so a field-number mistake on either side fails the tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';

// pkg/push/push.proto (package logproto), gogoproto options removed.
const PUSH_PROTO = `
syntax = "proto3";
package logproto;
message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;
const PushRequest = protobuf.parse(PUSH_PROTO).root.lookupType('logproto.PushRequest');

/** Loki's defaults (pkg/validation/limits.go). */
export const LOKI_LIMITS = {
  maxLabelNamesPerSeries: 15,
  maxLabelNameLength: 1024,
  maxLabelValueLength: 2048,
  maxLineSize: 256 * 1024,
  rejectOldSamplesMaxAgeMs: 7 * 24 * 3600 * 1000,
  creationGracePeriodMs: 10 * 60 * 1000,
  maxStructuredMetadataSize: 64 * 1024,
  maxStructuredMetadataCount: 128,
} as const;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface ReceivedEntry {
  labels: Record<string, string>;
  /** Canonical `{a="x", b="y"}` (sorted), the stream's identity. */
  stream: string;
  /** Nanoseconds since the epoch. */
  tsNs: bigint;
  line: string;
  metadata: Record<string, string>;
  tenant: string | undefined;
  format: 'json' | 'protobuf';
}

export interface PushRequestInfo {
  format: 'json' | 'protobuf' | 'unknown';
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  /** Entries in the push (0 when it could not be parsed). */
  entries: number;
  /** What the receiver answered. */
  status: number;
  /** The 400 message, when it answered 400 for invalid content. */
  error?: string;
  receivedAt: number;
  /** The body as it arrived (before Content-Encoding is undone); kept unless `keepEntries: false`. */
  rawBody?: Buffer;
  /** Every entry of the push as decoded (valid or not, duplicate or not); kept unless `keepEntries: false`. */
  pushed?: PushedEntry[];
}

/** One entry of one push, as it was on the wire. */
export interface PushedEntry {
  /** The stream's labels as sent (protobuf) or canonicalised (JSON). */
  labels: string;
  tsNs: bigint;
  line: string;
  metadata: Record<string, string>;
}

/** Overrides the answer to one push. `status` 2xx stores the push as usual; anything else stores nothing. */
export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow Loki). */
  delayMs?: number;
  /**
   * With a 2xx status: store the push first, then wait `delayMs` (a Loki that took the entries
   * but whose answer is late, or never comes when the client gives up first).
   */
  storeFirst?: boolean;
}

export type Responder = (push: {
  format: string;
  entries: number;
  headers: http.IncomingHttpHeaders;
}) => Answer | number | undefined;

export interface LokiReceiverOptions {
  /** Require this Authorization header value (401 otherwise). */
  authorization?: string;
  /** Require a tenant header, as multi-tenant Loki does (401 "no org id" otherwise). */
  requireTenant?: boolean;
  port?: number;
  /**
   * false: decode and validate every push as usual, but keep only counts per `event_kind` (and no
   * duplicate check), so a long benchmark does not grow the receiver's memory. Default true.
   */
  keepEntries?: boolean;
}

export interface LokiReceiver {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  readonly url: string;
  readonly pushUrl: string;
  readonly port: number;
  /** Entries accepted per `event_kind` label, when created with `keepEntries: false`. */
  countsByKind(): Record<string, number>;
  /** Every stored entry, in arrival order. */
  entries(): ReceivedEntry[];
  /** Stored entries whose JSON line parses, with the parsed line. */
  events(): (ReceivedEntry & { json: Record<string, unknown> })[];
  /** Every push request seen, with the answer given. */
  readonly requests: PushRequestInfo[];
  /** Sets how the next pushes are answered (undefined: like Loki). */
  respond(responder: Responder | number | undefined): void;
  /** Stops listening: pushes get ECONNREFUSED, as with Loki down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves when `predicate(entries)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (entries: ReceivedEntry[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export class LokiValidationError extends Error {}

/** Parses a stream selector as Loki's `syntax.ParseLabels` does: `{name="value", …}`, double-quoted or backtick strings. */
export function parseLabels(text: string): Record<string, string> {
  let i = 0;
  const fail = (what: string): never => {
    throw new LokiValidationError(`error parsing labels '${text}': ${what} at position ${i}`);
  };
  const space = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  space();
  if (text[i] !== '{') fail('expected "{"');
  i++;
  const labels: Record<string, string> = {};
  space();
  if (text[i] === '}') {
    i++;
    space();
    if (i !== text.length) fail('unexpected trailing input');
    return labels;
  }
  for (;;) {
    space();
    const start = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i]!)) i++;
    const name = text.slice(start, i);
    if (!LABEL_NAME.test(name)) fail(`invalid label name "${name}"`);
    space();
    if (text[i] !== '=' || text[i + 1] === '~') fail('expected "="');
    i++;
    space();
    let value = '';
    const quote = text[i];
    if (quote === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) fail('unterminated string');
      value = text.slice(i + 1, end);
      i = end + 1;
    } else if (quote === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated string');
        const c = text[i++]!;
        if (c === '"') break;
        if (c === '\n') fail('newline in string');
        if (c !== '\\') {
          value += c;
          continue;
        }
        const e = text[i++];
        if (e === 'n') value += '\n';
        else if (e === 't') value += '\t';
        else if (e === 'r') value += '\r';
        else if (e === '\\' || e === '"' || e === "'") value += e;
        else if (e === 'u') {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          value += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else fail(`unknown escape \\${e ?? ''}`);
      }
    } else fail('expected a string');
    if (Object.prototype.hasOwnProperty.call(labels, name)) {
      throw new LokiValidationError(`stream '${text}' has label name '${name}' more than once`);
    }
    labels[name] = value;
    space();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') {
      i++;
      break;
    }
    fail('expected "," or "}"');
  }
  space();
  if (i !== text.length) fail('unexpected trailing input');
  return labels;
}

export function canonicalStream(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}

interface DecodedStream {
  labelsText: string;
  labels: Record<string, string> | undefined;
  entries: { tsNs: bigint; line: string; metadata: Record<string, string>; metadataPairs: number }[];
}

function decodeJson(body: Buffer): DecodedStream[] {
  const parsed = JSON.parse(body.toString('utf8')) as { streams?: unknown };
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.streams)) {
    throw new LokiValidationError('loghttp.PushRequest.Streams: expected an array of streams');
  }
  return parsed.streams.map((s: unknown) => {
    const stream = s as { stream?: unknown; values?: unknown };
    if (stream.stream === null || typeof stream.stream !== 'object' || Array.isArray(stream.stream)) {
      throw new LokiValidationError('stream labels must be an object of strings');
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(stream.stream as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new LokiValidationError(`label ${k}: value must be a string`);
      labels[k] = v;
    }
    if (!Array.isArray(stream.values)) throw new LokiValidationError('values must be an array');
    const entries = stream.values.map((value: unknown) => {
      if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
        throw new LokiValidationError('an entry is [ts, line] or [ts, line, structuredMetadata]');
      }
      const [ts, line, meta] = value as unknown[];
      // Loki's decoder wants the timestamp as a string of nanoseconds.
      if (typeof ts !== 'string' || !/^-?\d+$/.test(ts)) throw new LokiValidationError('ReadString: expects " or n');
      if (typeof line !== 'string') throw new LokiValidationError('entry line must be a string');
      const metadata: Record<string, string> = {};
      let pairs = 0;
      if (meta !== undefined) {
        if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
          throw new LokiValidationError('structured metadata must be an object of strings');
        }
        for (const [k, v] of Object.entries(meta as Record<string, unknown>)) {
          if (typeof v !== 'string') throw new LokiValidationError(`structured metadata ${k}: value must be a string`);
          metadata[k] = v;
          pairs++;
        }
      }
      return { tsNs: BigInt(ts), line, metadata, metadataPairs: pairs };
    });
    return { labelsText: canonicalStream(labels), labels, entries };
  });
}

function decodeProtobuf(body: Buffer): DecodedStream[] {
  let raw: Uint8Array;
  try {
    raw = uncompress(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  } catch (err) {
    throw new LokiValidationError(`snappy: corrupt input (${(err as Error).message})`);
  }
  let message;
  try {
    message = PushRequest.toObject(PushRequest.decode(raw), { longs: String, defaults: true, arrays: true });
  } catch (err) {
    throw new LokiValidationError(`proto: ${(err as Error).message}`);
  }
  type Pair = { name: string; value: string };
  type Entry = { timestamp?: { seconds: string; nanos: number }; line: string; structuredMetadata: Pair[] };
  return (message.streams as { labels: string; entries: Entry[] }[]).map((s) => ({
    labelsText: s.labels,
    labels: undefined,
    entries: s.entries.map((e) => {
      const metadata: Record<string, string> = {};
      for (const p of e.structuredMetadata) metadata[p.name] = p.value;
      const ts =
        e.timestamp === undefined ? 0n : BigInt(e.timestamp.seconds) * 1_000_000_000n + BigInt(e.timestamp.nanos);
      return { tsNs: ts, line: e.line, metadata, metadataPairs: e.structuredMetadata.length };
    }),
  }));
}

export async function startLokiReceiver(options: LokiReceiverOptions = {}): Promise<LokiReceiver> {
  const stored: ReceivedEntry[] = [];
  const seen = new Set<string>();
  const kindCounts = new Map<string, number>();
  const requests: PushRequestInfo[] = [];
  let responder: Responder | undefined;
  const sockets = new Set<import('node:net').Socket>();
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of waiters) w();
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  };

  const answer = (res: http.ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, rawBody: Buffer): Promise<void> {
    const info: PushRequestInfo = {
      format: 'unknown',
      headers: req.headers,
      bodyBytes: rawBody.length,
      entries: 0,
      status: 0,
      receivedAt: Date.now(),
    };
    requests.push(info);
    const reply = (status: number, body = '', headers: Record<string, string> = {}): void => {
      info.status = status;
      answer(res, status, body, headers);
      notify();
    };
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/loki/api/v1/push')
      return reply(404, '404 page not found\n');
    if (options.authorization !== undefined && req.headers.authorization !== options.authorization)
      return reply(401, 'unauthorized\n');
    const tenant = req.headers['x-scope-orgid'] as string | undefined;
    if (options.requireTenant && (tenant === undefined || tenant === '')) return reply(401, 'no org id\n');

    let streams: DecodedStream[];
    try {
      let body = rawBody;
      const encoding = req.headers['content-encoding'] ?? '';
      if (encoding === 'gzip') body = zlib.gunzipSync(body);
      else if (encoding === 'deflate') body = zlib.inflateRawSync(body);
      else if (encoding !== '' && encoding !== 'snappy')
        throw new LokiValidationError(`Content-Encoding "${encoding}" not supported`);
      // Loki: mime.ParseMediaType, then JSON for application/json and snappy protobuf for anything else.
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(contentType))
        throw new LokiValidationError('mime: no media type');
      info.format = contentType === 'application/json' ? 'json' : 'protobuf';
      streams = info.format === 'json' ? decodeJson(body) : decodeProtobuf(body);
    } catch (err) {
      const message = err instanceof LokiValidationError || err instanceof SyntaxError ? err.message : String(err);
      info.error = message;
      return reply(400, message + '\n');
    }
    info.entries = streams.reduce((n, s) => n + s.entries.length, 0);
    if (options.keepEntries !== false) {
      info.rawBody = rawBody;
      info.pushed = streams.flatMap((s) =>
        s.entries.map((e) => ({ labels: s.labelsText, tsNs: e.tsNs, line: e.line, metadata: e.metadata })),
      );
    }

    const override = responder?.({ format: info.format, entries: info.entries, headers: req.headers });
    const custom: Answer | undefined = typeof override === 'number' ? { status: override } : override;
    const success = custom === undefined || (custom.status >= 200 && custom.status < 300);
    // unref: a stalled answer must not keep the test process alive after stop().
    const delay = (): Promise<unknown> => new Promise((r) => setTimeout(r, custom?.delayMs ?? 0).unref());
    if (custom?.storeFirst === true && success) {
      const errors = store(streams, info, tenant);
      notify();
      await delay();
      if (res.destroyed) return; // the client gave up: what was stored stays stored
      if (errors.length > 0) {
        info.error = errors.join('\n');
        return reply(400, info.error + '\n');
      }
      return reply(custom.status, custom.body ?? '', custom.headers);
    }
    if (custom?.delayMs !== undefined) await delay();
    if (res.destroyed) return;
    if (!success) return reply(custom!.status, custom!.body ?? `${custom!.status}\n`, custom!.headers);

    const errors = store(streams, info, tenant);
    if (errors.length > 0) {
      info.error = errors.join('\n');
      return reply(400, info.error + '\n');
    }
    reply(custom?.status ?? 204, custom?.body ?? '', custom?.headers);
  }

  /** Stores the valid entries of a push as Loki does; returns why the others were refused. */
  function store(streams: DecodedStream[], info: PushRequestInfo, tenant: string | undefined): string[] {
    const errors: string[] = [];
    const now = Date.now();
    const oldest = BigInt(now - LOKI_LIMITS.rejectOldSamplesMaxAgeMs) * 1_000_000n;
    const newest = BigInt(now + LOKI_LIMITS.creationGracePeriodMs) * 1_000_000n;
    for (const s of streams) {
      let labels: Record<string, string>;
      try {
        labels = s.labels ?? parseLabels(s.labelsText);
        validateLabels(labels, s.labelsText);
      } catch (err) {
        errors.push((err as Error).message);
        continue;
      }
      const stream = canonicalStream(labels);
      for (const e of s.entries) {
        const problem = entryProblem(e, stream, oldest, newest);
        if (problem !== undefined) {
          errors.push(problem);
          continue;
        }
        if (options.keepEntries === false) {
          const kind = labels.event_kind ?? '';
          kindCounts.set(kind, (kindCounts.get(kind) ?? 0) + 1);
          continue;
        }
        const key = `${stream}\u0000${e.tsNs}\u0000${e.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        stored.push({
          labels,
          stream,
          tsNs: e.tsNs,
          line: e.line,
          metadata: e.metadata,
          tenant,
          format: info.format as 'json' | 'protobuf',
        });
      }
    }
    return errors;
  }

  function validateLabels(labels: Record<string, string>, text: string): void {
    const names = Object.keys(labels).filter((n) => labels[n] !== '');
    if (names.length === 0) throw new LokiValidationError('error at least one label pair is required per stream');
    const counted = names.filter((n) => n !== 'service_name').length;
    if (counted > LOKI_LIMITS.maxLabelNamesPerSeries) {
      throw new LokiValidationError(
        `entry for stream '${text}' has ${counted} label names; limit ${LOKI_LIMITS.maxLabelNamesPerSeries}`,
      );
    }
    for (const name of names) {
      if (!LABEL_NAME.test(name))
        throw new LokiValidationError(`error parsing labels '${text}': invalid label name "${name}"`);
      if (name.length > LOKI_LIMITS.maxLabelNameLength)
        throw new LokiValidationError(`stream '${text}' has label name too long: '${name}'`);
      if (labels[name]!.length > LOKI_LIMITS.maxLabelValueLength)
        throw new LokiValidationError(`stream '${text}' has label value too long`);
    }
  }

  function entryProblem(
    e: DecodedStream['entries'][number],
    stream: string,
    oldest: bigint,
    newest: bigint,
  ): string | undefined {
    if (e.tsNs < oldest) return `entry for stream '${stream}' has timestamp too old: ${e.tsNs}`;
    if (e.tsNs > newest) return `entry for stream '${stream}' has timestamp too new: ${e.tsNs}`;
    if (Buffer.byteLength(e.line) > LOKI_LIMITS.maxLineSize) {
      return `max entry size '${LOKI_LIMITS.maxLineSize}' bytes exceeded for stream '${stream}' while adding an entry with length '${Buffer.byteLength(e.line)}' bytes`;
    }
    let size = 0;
    for (const [k, v] of Object.entries(e.metadata)) {
      size += k.length + v.length;
      if (!LABEL_NAME.test(k)) return `stream '${stream}' has invalid structured metadata name '${k}'`;
    }
    if (size > LOKI_LIMITS.maxStructuredMetadataSize)
      return `stream '${stream}' has structured metadata too large: '${size}' bytes`;
    if (e.metadataPairs > LOKI_LIMITS.maxStructuredMetadataCount)
      return `stream '${stream}' has too many structured metadata labels`;
    return undefined;
  }

  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(options.port ?? 0);
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pushUrl: `${url}/loki/api/v1/push`,
    port,
    entries: () => stored.slice(),
    countsByKind: () => Object.fromEntries(kindCounts),
    events: () =>
      stored.flatMap((e) => {
        try {
          return [{ ...e, json: JSON.parse(e.line) as Record<string, unknown> }];
        } catch {
          return [];
        }
      }),
    requests,
    respond(r) {
      responder = typeof r === 'number' ? () => r : r;
    },
    down: close,
    async up() {
      for (let attempt = 0; ; attempt++) {
        try {
          await listen(port);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (predicate(stored)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `Loki receiver: condition not met within ${timeoutMs} ms (${stored.length} entries stored, ${requests.length} pushes)`,
            ),
          );
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop: close,
  };
}
