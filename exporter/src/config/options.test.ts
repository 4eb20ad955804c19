import { PulseConfigError } from './errors';
import { resolveOptions } from './options';

function errorOf(input: unknown): PulseConfigError {
  try {
    resolveOptions(input);
  } catch (err) {
    if (err instanceof PulseConfigError) return err;
    throw err;
  }
  throw new Error('expected a PulseConfigError');
}

describe('createPulse options', () => {
  it('fills defaults', () => {
    const o = resolveOptions({ serviceName: 'shop-api' });
    expect(o.metrics.path).toBe('/metrics');
    expect(o.metrics.defaultMetrics).toBe(true);
    expect(o.metrics.maxSeriesPerMetric).toBe(2000);
    expect(o.http.traceIdHeader).toBe('x-trace-id');
  });

  it('requires serviceName and says what it accepts', () => {
    const err = errorOf({});
    expect(err.path).toBe('serviceName');
    expect(err.message).toMatch(/Pulse option "serviceName": is required: a service name/);
  });

  it('names an unknown option by path and suggests the nearest one', () => {
    const err = errorOf({ serviceName: 'a', http: { excludePath: ['/x'] } });
    expect(err.path).toBe('http.excludePath');
    expect(err.message).toMatch(/did you mean "http.excludePaths"/);
  });

  it('lists what an object accepts when nothing is near the unknown option', () => {
    // Both auth shapes at once: the one with username and password is meant, bearerToken is the stray key.
    const err = errorOf({ serviceName: 'a', metrics: { auth: { bearerToken: 't', username: 'u', password: 'p' } } });
    expect(err.message).toBe(
      'Pulse option "metrics.auth.bearerToken": unknown option; accepted here: username, password',
    );
  });

  it('names the element of an array that has the wrong type', () => {
    const err = errorOf({ serviceName: 'a', http: { excludePaths: ['/ok', 5] } });
    expect(err.path).toBe('http.excludePaths[1]');
    expect(err.message).toMatch(/expected a path starting with "\/", got number 5/);
  });

  it('rejects out-of-range numbers with the accepted range', () => {
    const err = errorOf({ serviceName: 'a', metrics: { maxSeriesPerMetric: 0 } });
    expect(err.path).toBe('metrics.maxSeriesPerMetric');
    expect(err.message).toMatch(/an integer from 1 to 1000000, got number 0/);
  });

  it('rejects a non-object', () => {
    expect(errorOf('shop').message).toBe('Pulse options: expected an object { serviceName }, got the string "shop"');
  });

  it('rejects incomplete auth by naming the missing field', () => {
    const err = errorOf({ serviceName: 'a', metrics: { auth: { username: 'u' } } });
    expect(err.path).toBe('metrics.auth.password');
    expect(err.message).toMatch(/is required: a non-empty string/);
  });
});

// One row per option family: each error names the innermost field and what it accepts.
describe('config errors name the innermost field and the accepted values', () => {
  const LOKI = 'http://loki:3100';
  const cases: [family: string, options: Record<string, unknown>, path: string, message: RegExp][] = [
    [
      'top level',
      { serviceName: 'bad name' },
      'serviceName',
      /expected a service name of 1–128 .*, got the string "bad name"/,
    ],
    ['top level', { env: '' }, 'env', /expected a non-empty string, got an empty string/],
    [
      'http',
      { http: { traceIdHeader: true } },
      'http.traceIdHeader',
      /expected an HTTP header name or false, got boolean true/,
    ],
    ['http', { http: { routeName: '/x' } }, 'http.routeName', /expected a function \(req\) => route template/],
    // Two object shapes: each named by its keys, not "an object or an object".
    [
      'metrics',
      { metrics: { auth: {} } },
      'metrics.auth',
      /expected an object \{ bearerToken \} or an object \{ username, password \}, got an empty object/,
    ],
    [
      'metrics',
      { metrics: { auth: { token: 'x' } } },
      'metrics.auth',
      /an object \{ bearerToken \} or an object \{ username, password \}, got an object with key token/,
    ],
    [
      'metrics',
      { metrics: { auth: { username: 'u', password: 5 } } },
      'metrics.auth.password',
      /expected a non-empty string, got number 5/,
    ],
    [
      'metrics',
      { metrics: { seriesLimits: { http_requests_total: 0 } } },
      'metrics.seriesLimits.http_requests_total',
      /an integer from 1 to 1000000, got number 0/,
    ],
    [
      'db',
      { db: { nPlusOne: { threshold: 0 } } },
      'db.nPlusOne.threshold',
      /expected an integer from 2 to 1000000, got number 0/,
    ],
    ['db', { db: { nPlusOne: { threshhold: 3 } } }, 'db.nPlusOne.threshhold', /did you mean "db.nPlusOne.threshold"/],
    ['db', { db: { nPlusOne: true } }, 'db.nPlusOne', /expected an object or false, got boolean true/],
    [
      'db',
      { db: { slowQueries: { thresholdMs: -1 } } },
      'db.slowQueries.thresholdMs',
      /a number from 0 to 3600000 \(ms\), got number -1/,
    ],
    ['db', { db: { pg: 'pg' } }, 'db.pg', /expected true or false or the driver module, got the string "pg"/],
    ['runtime', { runtime: { leak: { slices: 1 } } }, 'runtime.leak.slices', /an integer from 2 to 100, got number 1/],
    [
      'deps',
      { deps: { names: { 'api.stripe.com': '' } } },
      'deps.names.api.stripe.com',
      /a dependency name of 1–64 .*, got an empty string/,
    ],
    [
      'deps',
      { deps: { excludeHosts: ['ok.com', 'Bad Host'] } },
      'deps.excludeHosts[1]',
      /a host, "host:port" or "\*\.domain"/,
    ],
    [
      'health',
      { health: { auth: { bearerToken: '' } } },
      'health.auth.bearerToken',
      /expected a non-empty string, got an empty string/,
    ],
    [
      'health',
      { health: { checks: { postgres: { pool: 5 } } } },
      'health.checks.postgres.pool',
      /a database pool with a query\(\) method, got number 5/,
    ],
    [
      'health',
      { health: { checks: { postgres: [{ pool: {} }] } } },
      'health.checks.postgres[0].pool',
      /a database pool with a query\(\) method, got an empty object/,
    ],
    [
      'health',
      { health: { checks: { http: [{ url: 'ftp://x' }] } } },
      'health.checks.http[0].url',
      /an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'health',
      { health: { checks: { disk: { minFreeRatio: 2 } } } },
      'health.checks.disk.minFreeRatio',
      /a number from 0 to 1, got number 2/,
    ],
    [
      'health',
      { health: { checks: { disk: 'yes' } } },
      'health.checks.disk',
      /expected true or false or an object, got the string "yes"/,
    ],
    [
      'logs',
      { logs: { loki: { url: LOKI, auth: { username: 'u' } } } },
      'logs.loki.auth.password',
      /is required: a non-empty string/,
    ],
    [
      'logs',
      { logs: { loki: { url: LOKI, batchIntervalMs: 1 } } },
      'logs.loki.batchIntervalMs',
      /an integer from 10 to 60000 \(ms\), got number 1/,
    ],
    ['logs', { logs: { level: 'verbose' } }, 'logs.level', /one of "trace", .*"silent", got the string "verbose"/],
    [
      'errors',
      { errors: { request: { bodyMaxBytes: 1 } } },
      'errors.request.bodyMaxBytes',
      /an integer from 64 to 1048576 \(bytes\), got number 1/,
    ],
    [
      'errors',
      { errors: { slowRequestSeconds: true } },
      'errors.slowRequestSeconds',
      /a number from 0.001 to 3600 \(seconds\) or false, got boolean true/,
    ],
  ];

  it.each(cases)('%s: %j names %s', (_family, options, path, message) => {
    const err = errorOf({ serviceName: 'a', ...options });
    expect(err.path).toBe(path);
    expect(err.problem).toMatch(message);
  });

  // The documented snippets read secrets from the environment: an unset variable arrives as undefined.
  it.each([
    ['metrics.auth.bearerToken', { metrics: { auth: { bearerToken: undefined } } }],
    ['health.auth.password', { health: { auth: { username: 'probe', password: undefined } } }],
    ['logs.loki.auth.bearerToken', { logs: { loki: { url: LOKI, auth: { bearerToken: undefined } } } }],
    ['logs.loki.url', { logs: { loki: { url: undefined } } }],
    ['serviceName', { serviceName: undefined }],
  ])('%s: process.env.UNSET is named as an unset variable', (path, options) => {
    const err = errorOf({ serviceName: 'a', ...options });
    expect(err.path).toBe(path);
    expect(err.problem).toMatch(/^is undefined \(an unset environment variable\?\); expected /);
  });

  it('an unset variable inside a record says so too', () => {
    const err = errorOf({ serviceName: 'a', logs: { loki: { url: LOKI, labels: { region: undefined } } } });
    expect(err.path).toBe('logs.loki.labels.region');
    expect(err.problem).toMatch(/got undefined \(an unset environment variable\?\)/);
  });
});
