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

  it('rejects incomplete auth', () => {
    const err = errorOf({ serviceName: 'a', metrics: { auth: { username: 'u' } } });
    expect(err.path).toBe('metrics.auth');
  });

  it('rejects a non-object', () => {
    expect(errorOf('shop').message).toMatch(/expected an object, got the string "shop"/);
  });
});
