/**
 * pulse.logger and custom events, as Loki receives them: request-scoped fields on app log lines,
 * bounded stream labels, custom events validated (a clear error for a wrong shape), oversized
 * data cut and counted; and the logs options validated at createPulse().
 */
import { hostname } from 'node:os';
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { PulseConfigError } from '../../src/config/errors';
import { createPulse } from '../../src/pulse';
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { counterTotal, logOutcomes, pulseShippingTo } from './helpers';

// Every line names the process that wrote it (host:pid): the app's instance filter keys on it.
const THIS_PROCESS = `${hostname()}:${process.pid}`;

let loki: LokiReceiver;
let pulse: Pulse;
beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await pulse?.shutdown();
  await loki.stop();
});

test('pulse.logger lines carry the trace id, route and method of the request they were written in', async () => {
  pulse = pulseShippingTo(loki, { loki: { labels: { region: 'eu-west-1' } } });
  const app = express();
  app.use(pulse.middleware());
  app.get('/carts/:id', async (req, res) => {
    await new Promise((r) => setTimeout(r, 5));
    pulse.logger.info({ cart: req.params.id }, 'cart loaded');
    res.json('ok');
  });
  const res = await request(app).get('/carts/12');
  pulse.logger.warn('outside any request');
  pulse.logger.debug('below the default level');
  await pulse.shutdown();

  const logs = loki.events().filter((e) => e.labels.event_kind === 'log');
  expect(logs.map((e) => e.json.msg)).toEqual(['cart loaded', 'outside any request']);
  const [inRequest, outside] = logs;
  expect(inRequest!.labels).toEqual({
    service_name: 'pulse-test',
    env: 'test',
    level: 'info',
    event_kind: 'log',
    region: 'eu-west-1',
  });
  expect(inRequest!.metadata).toEqual({
    trace_id: res.headers['x-trace-id'],
    http_route: '/carts/:id',
    http_request_method: 'GET',
    service_instance_id: THIS_PROCESS,
  });
  expect(inRequest!.json).toMatchObject({ cart: '12', level: 'info', time: expect.any(Number) });
  expect(outside!.labels.level).toBe('warn');
  expect(outside!.metadata).toEqual({ service_instance_id: THIS_PROCESS });
  // Loki's timestamp is the time the line was written (pino's), in nanoseconds.
  expect(inRequest!.tsNs / 1_000_000n).toBe(BigInt(inRequest!.json.time as number));
});

test('custom events: type, level, message, metadata and tags as Loki stores them', async () => {
  pulse = pulseShippingTo(loki);
  pulse.capture({
    type: 'payment.failed',
    level: 'warn',
    message: 'card declined',
    metadata: { amount: 1999, currency: 'EUR', items: [{ sku: 'A1' }] },
    tags: { plan: 'pro', retry: 2 },
  });
  pulse.capture({ type: 'signup' });
  await pulse.shutdown();
  const custom = loki.events().filter((e) => e.labels.event_kind === 'custom');
  expect(custom).toHaveLength(2);
  const [payment, signup] = custom;
  expect(payment!.labels.level).toBe('warn');
  expect(payment!.metadata).toEqual({
    event_type: 'payment.failed',
    tag_plan: 'pro',
    tag_retry: '2',
    service_instance_id: THIS_PROCESS,
  });
  expect(payment!.json).toMatchObject({
    msg: 'card declined',
    metadata: { amount: 1999, currency: 'EUR', items: [{ sku: 'A1' }] },
    tags: { plan: 'pro', retry: 2 },
  });
  expect(signup!.json).toMatchObject({ msg: 'signup', event_type: 'signup', level: 'info' });
});

test('a custom event of the wrong shape throws a clear TypeError; oversized data is cut and counted', async () => {
  pulse = pulseShippingTo(loki);
  const capture = pulse.capture as (e: unknown) => void;
  expect(() => capture('signup')).toThrow(
    'pulse.capture(): the event must be an object { type, level?, message?, metadata?, tags? }, got the string "signup"',
  );
  expect(() => capture({})).toThrow(
    'pulse.capture(): "type" must be given: it names the event (e.g. "signup"), a string of 1–100 letters, digits, "_", ".", ":" or "-" starting with a letter, got nothing (the field is missing)',
  );
  expect(() => capture({ type: 'x', message: 5, level: undefined })).toThrow(
    '"message" must be a string, got number 5',
  );
  expect(() => capture({ type: 'x', tags: { plan: undefined } })).toThrow(
    'tag "plan" must be a string, number or boolean, got nothing (the field is missing)',
  );
  expect(() => capture({ type: 'has spaces' })).toThrow(/"type" must be .*got the string "has spaces"/);
  expect(() => capture({ type: 'x', level: 'fatal' })).toThrow(
    'pulse.capture(): "level" must be one of debug, info, warn, error, got the string "fatal"',
  );
  expect(() => capture({ type: 'x', metadata: [1] })).toThrow('"metadata" must be an object, got an array');
  expect(() => capture({ type: 'x', tags: { 'bad-name': 'v' } })).toThrow(/tag name "bad-name"/);
  expect(() => capture({ type: 'x', tags: { ok: { nested: true } } })).toThrow(
    /tag "ok" must be a string, number or boolean, got an object/,
  );

  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  pulse.capture({
    type: 'huge',
    message: 'm'.repeat(20_000),
    metadata: {
      blob: 'b'.repeat(50_000),
      circular,
      big: 10n,
      many: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
    },
    tags: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}`, 'v'])),
  });
  await pulse.shutdown();
  const [huge] = loki.events().filter((e) => e.json.event_type === 'huge');
  expect(huge).toBeDefined();
  expect(Buffer.byteLength(huge!.line)).toBeLessThan(40_000);
  expect((huge!.json.msg as string).length).toBe(8 * 1024 + 1);
  expect(huge!.json.truncated).toBe(true);
  const meta = huge!.json.metadata as Record<string, unknown>;
  expect((meta.circular as Record<string, unknown>).self).toBe('[Circular]');
  expect(meta.big).toBe('10');
  expect(Object.keys(huge!.metadata).filter((k) => k.startsWith('tag_'))).toHaveLength(20);
  expect(counterTotal(pulse, 'pulse_log_events_truncated_total', { event_kind: 'custom' })).toBe(1);
  expect(logOutcomes(pulse).dropped).toEqual({});
});

test('logs options are validated at createPulse(), naming the option', () => {
  const make = (logs: unknown) => () => createPulse({ serviceName: 's', logs: logs as never });
  expect(make({ loki: { url: 'loki:3100' } })).toThrow(PulseConfigError);
  expect(make({ loki: {} })).toThrow('Pulse option "logs.loki.url": is required');
  expect(make({ loki: { url: 'http://loki:3100', labels: { trace_id: 'x', 'bad-name': 'y' } } })).toThrow(
    'Pulse option "logs.loki.labels.bad-name"',
  );
  expect(make({ loki: { url: 'http://loki:3100', labels: { level: 'x' } } })).toThrow(
    '"logs.loki.labels.level": is set by Pulse itself',
  );
  expect(
    make({
      loki: {
        url: 'http://loki:3100',
        labels: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`l${i}`, 'v'])),
      },
    }),
  ).toThrow(/at most 12 extra labels/);
  expect(make({ loki: { url: 'http://loki:3100', batchMaxBytes: 8 << 20, bufferMaxBytes: 8 << 20 } })).toThrow(
    '"logs.loki.batchMaxBytes": must be at most half of bufferMaxBytes',
  );
  expect(make({ loki: { url: 'http://loki:3100', format: 'xml' } })).toThrow(
    '"logs.loki.format": expected one of "protobuf", "json"',
  );
  expect(make({ loki: { url: 'http://loki:3100', batchIntervalMS: 10 } })).toThrow(
    'did you mean "logs.loki.batchIntervalMs"',
  );
  expect(make({ level: 'verbose' })).toThrow('"logs.level"');
  expect(make({ signals: ['SIGKILL'] })).toThrow('"logs.signals[0]"');
});

test('a Loki URL without a path gets the push path; credentials in it become basic auth', () => {
  const p = createPulse({
    serviceName: 's',
    logs: { loki: { url: 'http://bob:p%40ss@loki:3100' }, lifecycleEvents: false, signals: [] },
    metrics: { defaultMetrics: false, registry: new Registry() },
  });
  pulse = p;
  expect(p.options.logs.loki!.pushUrl).toBe('http://loki:3100/loki/api/v1/push');
  expect(p.options.logs.loki!.headers.authorization).toBe(`Basic ${Buffer.from('bob:p@ss').toString('base64')}`);
});
