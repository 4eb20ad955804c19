/**
 * Delivery promises against a misbehaving Loki (a real HTTP receiver on loopback): 429 storms
 * are retried until Loki takes the events; a batch Loki rejects with 400 is dropped and counted,
 * never retried; a slow Loki does not slow the app; shutdown delivers what is buffered, or gives
 * up at its deadline and counts what it could not deliver.
 */
import express from 'express';
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { sendRequests } from '../support/http-load';
import { logOutcomes, pulseShippingTo, sleep, total } from './helpers';

let loki: LokiReceiver;
let pulse: Pulse | undefined;

beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await pulse?.shutdown();
  pulse = undefined;
  await loki.stop();
});

const customEvents = (type: string) => loki.events().filter((e) => e.json.event_type === type);

test('a 429 storm is retried with backoff until Loki takes every event', async () => {
  pulse = pulseShippingTo(loki, { loki: { minBackoffMs: 50, maxBackoffMs: 400 } });
  await loki.waitFor((e) => e.length >= 1); // start event
  const stormUntil = Date.now() + 3000;
  loki.respond(() =>
    Date.now() < stormUntil
      ? { status: 429, body: 'Ingestion rate limit exceeded', headers: { 'retry-after': '0' } }
      : undefined,
  );
  for (let i = 0; i < 200; i++) {
    pulse.capture({ type: 'storm', metadata: { i } });
    if (i % 20 === 0) await sleep(100);
  }
  await loki.waitFor(() => customEvents('storm').length === 200, 15_000);
  const outcomes = logOutcomes(pulse);
  const rejected429 = loki.requests.filter((r) => r.status === 429).length;
  expect(rejected429).toBeGreaterThan(5);
  expect(outcomes.retried.rate_limited).toBeGreaterThanOrEqual(rejected429);
  expect(outcomes.dropped).toEqual({});
  expect(pulse.logDelivery()!.lastError).toMatch(/HTTP 429: Ingestion rate limit exceeded/);
  // Each event arrived exactly once.
  expect(new Set(customEvents('storm').map((e) => (e.json.metadata as { i: number }).i)).size).toBe(200);
});

test('a batch Loki rejects with 400 is dropped and counted, not retried; later batches go through', async () => {
  pulse = pulseShippingTo(loki);
  await loki.waitFor((e) => e.length >= 1);
  let rejectNext = true;
  loki.respond(() => {
    if (!rejectNext) return undefined;
    rejectNext = false;
    return { status: 400, body: 'entry for stream \'{service_name="pulse-test"}\' has timestamp too old' };
  });
  for (let i = 0; i < 10; i++) pulse.capture({ type: 'poison', metadata: { i } });
  await sleep(500);
  for (let i = 0; i < 5; i++) pulse.capture({ type: 'healthy', metadata: { i } });
  await loki.waitFor(() => customEvents('healthy').length === 5);
  await sleep(300); // a retry of the rejected batch would have happened by now

  expect(loki.requests.filter((r) => r.status === 400)).toHaveLength(1);
  expect(customEvents('poison')).toHaveLength(0);
  const outcomes = logOutcomes(pulse);
  expect(outcomes.dropped).toEqual({ rejected: 10 });
  expect(outcomes.retried).toEqual({});
  expect(pulse.logDelivery()!.lastError).toMatch(/^HTTP 400: entry for stream/);
});

test("a slow Loki does not slow the app's requests", async () => {
  pulse = pulseShippingTo(loki, {
    loki: { timeoutMs: 10_000 },
    errors: { slowRequestSeconds: false, maxEventsPerSecond: 10_000 },
  });
  const app = express();
  app.use(pulse.middleware());
  app.get('/work/:id', (req, res, next) => {
    pulse!.logger.info({ id: req.params.id }, 'working');
    if (Number(req.params.id) % 2 === 0)
      return next(Object.assign(new Error(`order ${req.params.id} failed`), { status: 500 }));
    res.json({ ok: true });
  });
  app.use(pulse.errorHandler());
  app.use(
    (_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
      void res.status(500).end(),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const requests = (n: number) => Array.from({ length: n }, (_, i) => ({ method: 'GET', path: `/work/${i}` }));
  try {
    await loki.waitFor((e) => e.length >= 1);
    const fast = await sendRequests({ baseUrl: `http://127.0.0.1:${port}`, requests: requests(400), concurrency: 8 });

    loki.respond(() => ({ status: 204, delayMs: 5000 })); // every push takes 5 s
    await sleep(200);
    const pushesBefore = loki.requests.length;
    const slow = await sendRequests({ baseUrl: `http://127.0.0.1:${port}`, requests: requests(400), concurrency: 8 });
    // The app answered all 400 requests while Loki had not answered a single push yet.
    expect(loki.requests.slice(pushesBefore).filter((r) => r.status !== 0)).toHaveLength(0);
    expect(slow.errors).toBe(0);
    expect(slow.byStatus[500]).toBe(200);
    expect(slow.durationMs).toBeLessThan(fast.durationMs * 2 + 500);
    expect(slow.durationMs).toBeLessThan(4500);

    // And everything still arrives once Loki answers.
    loki.respond(undefined);
    await pulse.shutdown();
    const errors = loki.events().filter((e) => e.labels.event_kind === 'error');
    expect(errors).toHaveLength(400);
    expect(logOutcomes(pulse).dropped).toEqual({});
  } finally {
    server.close();
  }
});

test('shutdown delivers what is buffered before it resolves', async () => {
  pulse = pulseShippingTo(loki, { loki: { batchIntervalMs: 60_000 } }); // nothing leaves on its own
  for (let i = 0; i < 100; i++) pulse.capture({ type: 'last-words', metadata: { i } });
  await sleep(100);
  expect(customEvents('last-words')).toHaveLength(0);
  await pulse.shutdown();
  expect(customEvents('last-words')).toHaveLength(100);
  const stop = loki.events().find((e) => e.json.lifecycle_phase === 'stop');
  expect(stop?.metadata.lifecycle_reason).toBe('shutdown');
  expect(logOutcomes(pulse)).toEqual({ sent: { ok: 102 }, dropped: {}, retried: {} });
});

test('shutdown with Loki down gives up at its deadline and counts every event it could not deliver', async () => {
  pulse = pulseShippingTo(loki, { logs: { shutdownTimeoutMs: 1000 } });
  await loki.waitFor((e) => e.length >= 1);
  await loki.down();
  for (let i = 0; i < 50; i++) pulse.capture({ type: 'unlucky', metadata: { i } });
  const started = Date.now();
  await pulse.shutdown();
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(900);
  expect(took).toBeLessThan(2500);
  const outcomes = logOutcomes(pulse);
  expect(outcomes.sent).toEqual({ ok: 1 }); // the start event, before the outage
  expect(outcomes.dropped).toEqual({ shutdown: 51 }); // 50 + the stop event
  expect(total(outcomes.sent) + total(outcomes.dropped)).toBe(52);
  pulse.capture({ type: 'after-shutdown' }); // never throws, never ships
  expect(logOutcomes(pulse).dropped.shutdown).toBe(52);
});

test('auth and tenant headers reach Loki', async () => {
  await loki.stop();
  loki = await startLokiReceiver({ authorization: 'Bearer s3cr3t-t0ken', requireTenant: true });
  pulse = pulseShippingTo(loki, { loki: { auth: { bearerToken: 's3cr3t-t0ken' }, tenant: 'team-a' } });
  await loki.waitFor((e) => e.length >= 1);
  expect(loki.entries()[0]!.tenant).toBe('team-a');
  expect(loki.requests.every((r) => r.status === 204)).toBe(true);
});
