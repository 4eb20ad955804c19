/**
 * The Loki-compatible receiver accepts and rejects what Loki's distributor does, so the tests
 * that rely on it assert what Loki would store.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { compress } from 'snappyjs';
import { protobufPushBody, renderLabels } from '../../src/logs/worker/push-body';
import type { LokiReceiver } from '../support/loki-receiver';
import { parseLabels, startLokiReceiver } from '../support/loki-receiver';

let loki: LokiReceiver;
beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(() => loki.stop());

function push(body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(loki.pushUrl, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const json = (streams: unknown[]) => push(JSON.stringify({ streams }), { 'content-type': 'application/json' });
const now = () => `${Date.now()}000000`;

test('stores JSON and snappy-protobuf pushes with labels, lines and structured metadata', async () => {
  expect(
    (
      await json([
        {
          stream: { service_name: 'a', env: 'x' },
          values: [
            [now(), 'line 1', { trace_id: 't1' }],
            [now(), 'line 2'],
          ],
        },
      ])
    ).status,
  ).toBe(204);
  const labels = { service_name: 'b', level: 'info' };
  const long = 'é✓😀 '.repeat(10_000); // multi-byte UTF-8, lengths needing 3-byte varints
  const pb = protobufPushBody([
    {
      labels: renderLabels(labels),
      labelMap: labels,
      entries: [
        { timeMs: Date.now(), subNs: 5, line: 'pb line', metadata: ['fingerprint', 'f1'] },
        { timeMs: Date.now(), subNs: 0, line: long, metadata: ['note', 'ünïcode'] },
      ],
    },
  ]);
  expect((await push(pb, { 'content-type': 'application/x-protobuf' })).status).toBe(204);
  expect(loki.entries().map((e) => [e.stream, e.line, e.metadata, e.format])).toEqual([
    ['{env="x", service_name="a"}', 'line 1', { trace_id: 't1' }, 'json'],
    ['{env="x", service_name="a"}', 'line 2', {}, 'json'],
    ['{level="info", service_name="b"}', 'pb line', { fingerprint: 'f1' }, 'protobuf'],
    ['{level="info", service_name="b"}', long, { note: 'ünïcode' }, 'protobuf'],
  ]);
  expect(loki.entries()[2]!.tsNs % 1_000_000n).toBe(5n);
});

test('accepts gzip-encoded JSON and ignores an exact duplicate entry, as Loki does', async () => {
  const body = zlib.gzipSync(
    JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [['1700000000000000000', 'x']] }] }),
  );
  const ts = now();
  const once = JSON.stringify({
    streams: [
      {
        stream: { a: 'b' },
        values: [
          [ts, 'dup'],
          [ts, 'dup'],
        ],
      },
    ],
  });
  expect((await push(once, { 'content-type': 'application/json' })).status).toBe(204);
  expect(loki.entries()).toHaveLength(1);
  // 2023 is older than Loki's 1-week reject_old_samples_max_age:
  expect((await push(body, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).body).toMatch(
    /timestamp too old/,
  );
});

test.each([
  ['a numeric timestamp', { stream: { a: 'b' }, values: [[Date.now() * 1e6, 'x']] }, /expects/],
  ['no labels', { stream: {}, values: [[now(), 'x']] }, /at least one label pair/],
  ['an invalid label name', { stream: { 'bad-name': 'b' }, values: [[now(), 'x']] }, /invalid label name/],
  [
    '16 labels',
    { stream: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`l${i}`, 'v'])), values: [[now(), 'x']] },
    /16 label names; limit 15/,
  ],
  ['a line over 256 KiB', { stream: { a: 'b' }, values: [[now(), 'x'.repeat(256 * 1024 + 1)]] }, /max entry size/],
  ['a timestamp an hour ahead', { stream: { a: 'b' }, values: [[`${Date.now() + 3600_000}000000`, 'x']] }, /too new/],
  ['a non-string metadata value', { stream: { a: 'b' }, values: [[now(), 'x', { n: 1 }]] }, /must be a string/],
])('rejects %s with 400', async (_name, stream, message) => {
  const res = await json([stream]);
  expect(res.status).toBe(400);
  expect(res.body).toMatch(message);
  expect(loki.entries()).toHaveLength(0);
});

test('rejects broken bodies and encodings with 400', async () => {
  expect((await push('{"streams": [', { 'content-type': 'application/json' })).status).toBe(400);
  expect((await push(new Uint8Array([1, 2, 3, 4, 5]), { 'content-type': 'application/x-protobuf' })).status).toBe(400);
  expect(
    (await push(compress(new Uint8Array([0xff, 0xff, 0xff])), { 'content-type': 'application/x-protobuf' })).status,
  ).toBe(400);
  expect((await push('{}', { 'content-type': 'application/json', 'content-encoding': 'br' })).body).toMatch(
    /Content-Encoding "br" not supported/,
  );
  expect((await push('{}', {})).body).toMatch(/no media type/);
});

test('stores the valid streams of a partly invalid push and answers 400, like Loki', async () => {
  const res = await json([
    { stream: { a: 'good' }, values: [[now(), 'kept']] },
    { stream: { 'not valid': 'x' }, values: [[now(), 'lost']] },
  ]);
  expect(res.status).toBe(400);
  expect(loki.entries().map((e) => e.line)).toEqual(['kept']);
});

test('parses label strings as Loki does', () => {
  expect(parseLabels('{a="x", b=`raw\\n`, c="q\\"uote\\n"}')).toEqual({ a: 'x', b: 'raw\\n', c: 'q"uote\n' });
  expect(() => parseLabels('{a="x", a="y"}')).toThrow(/more than once/);
  expect(() => parseLabels('{a=~"x"}')).toThrow();
  expect(() => parseLabels('a="x"')).toThrow();
});

test('answers on demand, and refuses connections while down', async () => {
  loki.respond(429);
  expect((await json([{ stream: { a: 'b' }, values: [[now(), 'x']] }])).status).toBe(429);
  loki.respond(() => ({ status: 503, body: 'overloaded' }));
  expect(await json([{ stream: { a: 'b' }, values: [[now(), 'x']] }])).toEqual({ status: 503, body: 'overloaded' });
  expect(loki.entries()).toHaveLength(0);
  loki.respond(undefined);
  await loki.down();
  await expect(json([{ stream: { a: 'b' }, values: [[now(), 'x']] }])).rejects.toThrow(/ECONNREFUSED/);
  await loki.up();
  expect((await json([{ stream: { a: 'b' }, values: [[now(), 'x']] }])).status).toBe(204);
});
