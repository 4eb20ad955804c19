/**
 * Hostile incoming `traceparent` values never reach a downstream service: a malformed header
 * (bad version, all-zero ids, upper case, two joined headers, 64 KB) starts a new trace, and what
 * goes out is always Pulse's own 55-character header, whatever came in. Reading the header costs
 * the same whatever its length (it looks at 56 characters at most): measured as event-loop
 * blocking while 64 KB headers arrive.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { createRequestContext } from '../../src/context/request-context';
import { newTraceId, traceIdFromTraceparent } from '../../src/context/trace-id';
import { sampledFlagOf } from '../../src/context/traceparent';
import { createPulse, type Pulse } from '../../src/index';
import { leastLoopBlockMs } from '../support/loop-block';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const VALID_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const VALID_PARENT = '00f067aa0ba902b7';

let pulse: Pulse;
let app: http.Server;
let downstream: http.Server;
let appPort: number;
/** The traceparent lines each downstream request arrived with, in arrival order. */
const received: string[][] = [];

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  downstream = http.createServer((req, res) => {
    const lines: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      if (req.rawHeaders[i]!.toLowerCase() === 'traceparent') lines.push(req.rawHeaders[i + 1]!);
    received.push(lines);
    res.end('ok');
  });
  const downstreamUrl = `http://127.0.0.1:${await listen(downstream)}/`;
  pulse = createPulse({
    serviceName: 'trace-hostile',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
  });
  const api = express();
  api.use(pulse.middleware());
  api.get('/relay', async (_req, res) => {
    await (await fetch(downstreamUrl)).text();
    await new Promise<void>((resolve, reject) =>
      http.get(downstreamUrl, { agent: false }, (r) => r.resume().on('end', resolve)).on('error', reject),
    );
    res.end('relayed');
  });
  // Large enough for a 64 KB header: Node's default (16 KB) would answer 431 before any app code.
  app = http.createServer({ maxHeaderSize: 256 * 1024 }, api);
  appPort = await listen(app);
});

afterAll(async () => {
  await pulse.shutdown();
  await new Promise((r) => app.close(r));
  await new Promise((r) => downstream.close(r));
});

/** One request to the app with `traceparent`; resolves with its x-trace-id. */
function relay(traceparent: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${appPort}/relay`, { agent: false, headers: { traceparent } }, (res) => {
        res.resume().on('end', () => resolve(String(res.headers['x-trace-id'])));
      })
      .on('error', reject);
  });
}

const valid = `00-${VALID_TRACE}-${VALID_PARENT}-01`;
const hostile: [string, string][] = [
  ['version ff', `ff-${VALID_TRACE}-${VALID_PARENT}-01`],
  ['version not hex', `0g-${VALID_TRACE}-${VALID_PARENT}-01`],
  ['version 00 with extra fields', `${valid}-01`],
  ['all-zero trace id', `00-${'0'.repeat(32)}-${VALID_PARENT}-01`],
  ['all-zero parent id', `00-${VALID_TRACE}-${'0'.repeat(16)}-01`],
  ['upper-case hex', valid.toUpperCase()],
  ['two headers joined', `${valid}, 00-${'1'.repeat(32)}-${VALID_PARENT}-01`],
  ['64 KB of hex', `00-${'a'.repeat(64 * 1024)}`],
  ['64 KB of dashes', '-'.repeat(64 * 1024)],
];

test.each(hostile)(
  'a malformed traceparent (%s) starts a new trace; only a valid header goes out',
  async (_why, header) => {
    const from = received.length;
    const traceId = await relay(header);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(VALID_TRACE);
    expect(header).not.toContain(traceId);
    // fetch and node:http: one header each, Pulse's, for the new trace.
    const sent = received.slice(from);
    expect(sent).toHaveLength(2);
    for (const lines of sent) {
      expect(lines).toHaveLength(1);
      expect(TRACEPARENT.exec(lines[0]!)?.[1]).toBe(traceId);
    }
  },
);

test('a later version with 64 KB of extra fields is continued, and none of the extra goes out', async () => {
  const from = received.length;
  const traceId = await relay(`01-${VALID_TRACE}-${VALID_PARENT}-01-${'x'.repeat(64 * 1024)}`);
  expect(traceId).toBe(VALID_TRACE);
  for (const lines of received.slice(from)) {
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(TRACEPARENT);
    expect(lines[0]!.length).toBe(55);
    expect(TRACEPARENT.exec(lines[0]!)?.[1]).toBe(VALID_TRACE);
  }
});

test('reading 64 KB traceparent headers, in and out, does not block the event loop', async () => {
  // The functions each request and each outgoing call run on the header, 500 times each: a
  // quadratic scan or a backtracking match over 64 KB would block for seconds; 56 characters do not.
  const big = [
    `00-${'a'.repeat(64 * 1024)}`,
    '-'.repeat(64 * 1024),
    `01-${VALID_TRACE}-${VALID_PARENT}-01-${'f'.repeat(64 * 1024)}`,
  ];
  const contexts = big.map((header) =>
    createRequestContext(
      { headers: { traceparent: header } },
      traceIdFromTraceparent(header) ?? newTraceId(),
      'GET',
      0,
    ),
  );
  const blockedMs = await leastLoopBlockMs(
    () => {
      for (let i = 0; i < 500; i++) {
        for (const [n, header] of big.entries()) {
          traceIdFromTraceparent(header);
          sampledFlagOf(contexts[n]!);
        }
      }
    },
    20,
    10,
  );
  expect(blockedMs).toBeLessThan(20);
  expect(contexts.map(sampledFlagOf)).toEqual(['01', '01', '01']);
});
