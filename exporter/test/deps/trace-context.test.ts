/**
 * W3C trace context across two services, each a real process with Pulse (test/deps/fixtures):
 * a caller (ESM, or CommonJS with the OpenTelemetry SDK) calls a downstream over fetch and
 * node:http on 127.0.0.1. The downstream continues the caller's trace: its x-trace-id, its Loki
 * events and its exemplar name the caller's trace id. Excluded hosts get no header, a header the
 * app set is kept, and a user's OpenTelemetry span gives the trace id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';

const exporterDir = join(__dirname, '..', '..');
const fixtures = join(__dirname, 'fixtures');
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

interface Child {
  info: Record<string, number>;
  stop(): Promise<void>;
}

const children: Child[] = [];

function start(file: string, env: Record<string, string>): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [join(fixtures, file)], {
      cwd: exporterDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const ready = /READY (.*)\n/.exec(stdout);
      if (ready !== null) {
        const started = { info: JSON.parse(ready[1]!) as Record<string, number>, stop };
        children.push(started);
        resolve(started);
      }
    });
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before READY: ${stderr}`)));
  });
}

interface Checkout {
  traceId: string;
  body: { traceparentLines: string[]; traceId: string };
}

async function checkout(
  callerPort: number,
  query: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Checkout> {
  const order = String(Math.floor(Math.random() * 1e9));
  const res = await fetch(`http://127.0.0.1:${callerPort}/api/checkout/${order}?${new URLSearchParams(query)}`, {
    headers,
  });
  expect(res.status).toBe(200);
  return { traceId: res.headers.get('x-trace-id')!, body: (await res.json()) as Checkout['body'] };
}

async function eventually<T>(probe: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let loki: LokiReceiver;
let downstream: Child;
let caller: Child;

beforeAll(async () => {
  for (const file of ['index.js', 'index.cjs', 'logs/loki-worker.js']) {
    if (!existsSync(join(exporterDir, 'dist', file)))
      throw new Error('exporter/dist is missing: build it first (npm run build -w exporter; `npm test` does)');
  }
  loki = await startLokiReceiver();
  downstream = await start('trace-downstream.mjs', { LOKI_URL: loki.url });
  caller = await start('trace-caller.mjs', {
    LOKI_URL: loki.url,
    DOWNSTREAM_EXCLUDED_PORT: String(downstream.info.excludedPort),
  });
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await loki?.stop();
});

const traceIdsOf = (service: string, message: string): string[] =>
  loki
    .events()
    .filter((e) => e.labels.service_name === service && (e.json.msg === message || e.json.event_type === message))
    .map((e) => e.metadata.trace_id ?? '');

describe('Pulse to Pulse', () => {
  test('a fetch call carries the trace: the downstream continues it in its x-trace-id, Loki events and exemplar', async () => {
    const { traceId, body } = await checkout(caller.info.port!, { via: 'fetch', port: String(downstream.info.port) });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.traceparentLines).toHaveLength(1);
    const [, sentTraceId, , flags] = TRACEPARENT.exec(body.traceparentLines[0]!) ?? [];
    expect(sentTraceId).toBe(traceId);
    expect(flags).toBe('01');
    expect(body.traceId).toBe(traceId);

    // The downstream's request histogram keeps this request's trace id as its exemplar.
    const metrics = await fetch(`http://127.0.0.1:${downstream.info.port}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    }).then((r) => r.text());
    const exemplars = metrics
      .split('\n')
      .filter(
        (l) => l.startsWith('http_server_request_duration_seconds_bucket{') && l.includes('/api/charges/:orderId'),
      )
      .map((l) => /# \{trace_id="([0-9a-f]+)"\}/.exec(l)?.[1])
      .filter((id) => id !== undefined);
    expect(exemplars).toContain(traceId);

    // Both services' events in Loki share the trace id: one query finds the whole path.
    // The two services ship in their own batches: wait for both before reading either.
    await eventually(
      () =>
        traceIdsOf('trace-downstream', 'charge').includes(traceId) &&
        traceIdsOf('trace-downstream', 'charge received').includes(traceId) &&
        traceIdsOf('trace-caller', 'checkout started').includes(traceId)
          ? true
          : undefined,
      'events',
    );
    expect(traceIdsOf('trace-caller', 'checkout started')).toContain(traceId);
    expect(traceIdsOf('trace-downstream', 'charge received')).toContain(traceId);
  });

  test('a node:http call carries it too, with a new parent id on every call', async () => {
    const a = await checkout(caller.info.port!, { via: 'http', port: String(downstream.info.port) });
    const b = await checkout(caller.info.port!, { via: 'http', port: String(downstream.info.port) });
    const [, traceA, parentA] = TRACEPARENT.exec(a.body.traceparentLines[0] ?? '') ?? [];
    const [, traceB, parentB] = TRACEPARENT.exec(b.body.traceparentLines[0] ?? '') ?? [];
    expect([a.body.traceparentLines.length, b.body.traceparentLines.length]).toEqual([1, 1]);
    expect([traceA, traceB]).toEqual([a.traceId, b.traceId]);
    expect([a.body.traceId, b.body.traceId]).toEqual([a.traceId, b.traceId]);
    expect(parentA).not.toBe(parentB);
  });

  test.each(['fetch', 'http'])('an incoming trace goes on with its sampled flag as received (%s)', async (via) => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const { traceId, body } = await checkout(
      caller.info.port!,
      { via, port: String(downstream.info.port) },
      { traceparent: incoming },
    );
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    const [, sent, parent, flags] = TRACEPARENT.exec(body.traceparentLines[0] ?? '') ?? [];
    expect([sent, flags]).toEqual([traceId, '00']);
    expect(parent).not.toBe('b7ad6b7169203331');
    expect(body.traceId).toBe(traceId);
  });

  test.each(['fetch', 'http'])(
    'an excluded host gets no traceparent; the same service on another port does (%s)',
    async (via) => {
      const excluded = await checkout(caller.info.port!, { via, port: String(downstream.info.excludedPort) });
      expect(excluded.body.traceparentLines).toEqual([]);
      expect(excluded.body.traceId).not.toBe(excluded.traceId);
      const included = await checkout(caller.info.port!, { via, port: String(downstream.info.port) });
      expect(included.body.traceId).toBe(included.traceId);
    },
  );

  test.each(['fetch', 'http'])(
    "a traceparent the app set itself is kept, alone; without one the call gets Pulse's (%s)",
    async (via) => {
      const own = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const kept = await checkout(caller.info.port!, { via, port: String(downstream.info.port), own });
      expect(kept.body.traceparentLines).toEqual([own]);
      expect(kept.body.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      const added = await checkout(caller.info.port!, { via, port: String(downstream.info.port) });
      expect(added.body.traceparentLines).toHaveLength(1);
      expect(added.body.traceId).toBe(added.traceId);
    },
  );
});

describe('with the OpenTelemetry SDK in the caller', () => {
  test.each(['fetch', 'http'])(
    "the user's span gives the trace id: x-trace-id, Loki events and the downstream all use it (%s)",
    async (via) => {
      const otelCaller = await start('trace-caller-otel.cjs', { LOKI_URL: loki.url });
      try {
        const res = await fetch(
          `http://127.0.0.1:${otelCaller.info.port}/api/checkout/7?via=${via}&port=${downstream.info.port}`,
        );
        const body = (await res.json()) as { seen: Checkout['body']; spanTraceId: string };
        expect(body.spanTraceId).toMatch(/^[0-9a-f]{32}$/);
        expect(res.headers.get('x-trace-id')).toBe(body.spanTraceId);
        expect(body.seen.traceparentLines).toHaveLength(1);
        expect(TRACEPARENT.exec(body.seen.traceparentLines[0]!)?.[1]).toBe(body.spanTraceId);
        expect(body.seen.traceId).toBe(body.spanTraceId);
        await eventually(
          () => (traceIdsOf('trace-caller-otel', 'checkout started').includes(body.spanTraceId) ? true : undefined),
          "the caller's event with the span's trace id",
        );
      } finally {
        await otelCaller.stop();
      }
    },
  );

  test("with OpenTelemetry's http instrumentation, node:http calls carry its traceparent only; fetch gets Pulse's", async () => {
    const otelCaller = await start('trace-caller-otel.cjs', { LOKI_URL: loki.url, OTEL_HTTP_INSTRUMENTATION: '1' });
    try {
      const call = async (via: string) => {
        const res = await fetch(
          `http://127.0.0.1:${otelCaller.info.port}/api/checkout/8?via=${via}&port=${downstream.info.port}`,
        );
        const body = (await res.json()) as { seen: Checkout['body']; spanTraceId: string; clientSpanIds: string[] };
        expect(res.headers.get('x-trace-id')).toBe(body.spanTraceId);
        expect(body.seen.traceparentLines).toHaveLength(1);
        const [, traceId, parentId] = TRACEPARENT.exec(body.seen.traceparentLines[0]!) ?? [];
        expect(traceId).toBe(body.spanTraceId);
        return { parentId, clientSpanIds: body.clientSpanIds };
      };
      // node:http: the parent id is the client span OpenTelemetry recorded, so Pulse added none.
      const viaHttp = await call('http');
      expect(viaHttp.clientSpanIds).toContain(viaHttp.parentId);
      // fetch is not instrumented here: Pulse's header carries the span's trace id.
      const viaFetch = await call('fetch');
      expect(viaFetch.clientSpanIds).not.toContain(viaFetch.parentId);
    } finally {
      await otelCaller.stop();
    }
  });
});
