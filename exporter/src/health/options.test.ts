import { PulseConfigError } from '../config/errors';
import { resolveOptions } from '../config/options';

const bad = (health: unknown): PulseConfigError => {
  try {
    resolveOptions({ serviceName: 's', health });
  } catch (err) {
    if (err instanceof PulseConfigError) return err;
    throw err;
  }
  throw new Error('no error');
};

test('health options: defaults', () => {
  expect(resolveOptions({ serviceName: 's' }).health).toEqual({
    enabled: true,
    path: '/health',
    auth: undefined,
    details: 'authenticated',
    degradedStatusCode: 207,
    interval: 10_000,
    timeout: 5_000,
    historySize: 60,
    readiness: { failureThreshold: 3, successThreshold: 1 },
    flapping: { window: 600_000, maxChanges: 4 },
    liveMaxEventLoopDelay: 5_000,
    drainDelay: 0,
    drainOnSignals: [],
    checks: {},
  });
});

test('health options: bad values name their path', () => {
  expect(bad({ degradedStatusCode: 206 }).path).toBe('health.degradedStatusCode');
  expect(bad({ path: 'health' }).path).toBe('health.path');
  expect(bad({ path: '/health/' }).path).toBe('health.path');
  expect(bad({ checks: { postgres: { pool: {} } } }).path).toBe('health.checks.postgres.pool');
  expect(bad({ checks: { redis: {} } }).path).toBe('health.checks.redis.client');
  expect(bad({ checks: { http: { url: 'ftp://x' } } }).path).toBe('health.checks.http.url');
  expect(bad({ checks: { disk: { minFreeRatio: 2 } } }).path).toBe('health.checks.disk.minFreeRatio');
  expect(bad({ checks: { postgress: {} } }).message).toMatch(/did you mean "health.checks.postgres"/);
  expect(bad({ auth: { bearerToken: '' } }).path).toBe('health.auth.bearerToken');
  expect(bad({ drainOnSignals: ['SIGKILL'] }).path).toBe('health.drainOnSignals[0]');
});
