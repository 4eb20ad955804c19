/**
 * pulse.trackDependency() for non-HTTP dependencies: same histogram as HTTP calls, sync and async
 * functions, errors classified and rethrown unchanged; checked against the real Redis here.
 */
import Redis from 'ioredis';
import { createClient } from 'redis';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { createRequestContext, runWithContext } from '../../src/context/request-context';
import { getFreePort } from '../support/free-port';
import { histogramCount, histogramSeries } from './series';

const DEP = 'pulse_dependency_duration_seconds';
let pulse: Pulse;

beforeAll(() => {
  pulse = createPulse({
    serviceName: 'track-test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
  });
});
afterAll(() => pulse.shutdown());

const count = (labels: Record<string, string>): number => histogramCount(pulse.registry, DEP, labels);

test('sync functions: the value comes back, the call is recorded as a success', () => {
  expect(pulse.trackDependency('cache', () => 42)).toBe(42);
  expect(count({ dependency: 'cache', dependency_type: 'custom', error_type: '' })).toBe(1);
});

test('sync throws are rethrown unchanged and recorded with their class', () => {
  const boom = Object.assign(new Error('nope'), { code: 'ECONNREFUSED' });
  expect(() =>
    pulse.trackDependency('queue', () => {
      throw boom;
    }),
  ).toThrow(boom);
  expect(count({ dependency: 'queue', error_type: 'connection_refused' })).toBe(1);
});

test('async functions: resolves with the value, measures until it settles', async () => {
  const value = await pulse.trackDependency(
    'grpc-users',
    () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), 120)),
    { type: 'grpc' },
  );
  expect(value).toBe('ok');
  const [series] = histogramSeries(pulse.registry, DEP, {
    dependency: 'grpc-users',
    dependency_type: 'grpc',
    error_type: '',
  });
  expect(series?.count).toBe(1);
  expect(series?.sum).toBeGreaterThanOrEqual(0.11);
});

test('async rejections are rethrown unchanged and classified', async () => {
  const err = Object.assign(new Error('slow'), { name: 'TimeoutError' });
  await expect(pulse.trackDependency('search', () => Promise.reject(err))).rejects.toBe(err);
  expect(count({ dependency: 'search', error_type: 'timeout' })).toBe(1);
});

test('real Redis: a command succeeds; a Redis that is not there is connection_refused', async () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  try {
    const key = `pulse-track-${process.pid}-${Date.now()}`;
    await pulse.trackDependency('redis', () => redis.set(key, '1', 'EX', 10), { type: 'redis' });
    expect(await pulse.trackDependency('redis', () => redis.get(key), { type: 'redis' })).toBe('1');
    expect(count({ dependency: 'redis', dependency_type: 'redis', error_type: '' })).toBe(2);
  } finally {
    redis.disconnect();
  }
  // node-redis rejects connect() with the socket error itself (ioredis only says "Connection is closed.").
  const closedPort = await getFreePort();
  const down = createClient({ socket: { host: '127.0.0.1', port: closedPort, reconnectStrategy: false } });
  down.on('error', () => undefined);
  await expect(pulse.trackDependency('redis-down', () => down.connect(), { type: 'redis' })).rejects.toBeTruthy();
  expect(count({ dependency: 'redis-down', dependency_type: 'redis', error_type: 'connection_refused' })).toBe(1);
});

test('a call inside a request keeps its trace id as exemplar', async () => {
  const ctx = createRequestContext({}, '0af7651916cd43dd8448eb211c80319c', 'GET', performance.now());
  await runWithContext(ctx, () => pulse.trackDependency('mailer', async () => 'sent'));
  const [series] = histogramSeries(pulse.registry, DEP, { dependency: 'mailer' });
  expect(series?.exemplarTraceIds).toContain(ctx.traceId);
});

test('misuse is a clear TypeError at the call site', () => {
  expect(() => pulse.trackDependency('', () => 1)).toThrow(TypeError);
  expect(() => pulse.trackDependency('has spaces', () => 1)).toThrow(/name must be/);
  expect(() => pulse.trackDependency('x', 'not a function' as unknown as () => number)).toThrow(
    /fn must be a function/,
  );
});

test('an invalid type falls back to custom rather than minting a label value', () => {
  pulse.trackDependency('odd', () => 1, { type: 'user 123 said hi' });
  expect(count({ dependency: 'odd', dependency_type: 'custom' })).toBe(1);
});
