import { PulseConfigError } from '../config/errors';
import { resolveOptions } from '../config/options';

const bad = (deps: unknown): PulseConfigError => {
  try {
    resolveOptions({ serviceName: 's', deps });
  } catch (err) {
    if (err instanceof PulseConfigError) return err;
    throw err;
  }
  throw new Error('no error');
};

test('deps options: name map and exclusions validated, bad entries named', () => {
  const deps = resolveOptions({
    serviceName: 's',
    deps: {
      names: { 'api.stripe.com': 'stripe', '*.amazonaws.com': 'aws', 'localhost:4000': 'payments' },
      excludeHosts: ['[::1]:3100'],
    },
  }).deps;
  expect(deps).toEqual({
    enabled: true,
    names: { 'api.stripe.com': 'stripe', '*.amazonaws.com': 'aws', 'localhost:4000': 'payments' },
    excludeHosts: ['[::1]:3100'],
    propagateTraceContext: { excludeHosts: [] },
  });
  expect(bad({ names: { 'api.stripe.com': 'has space' } }).path).toBe('deps.names.api.stripe.com');
  expect(bad({ names: { 'https://api.stripe.com': 'stripe' } }).path).toBe('deps.names.https://api.stripe.com');
  expect(bad({ excludeHosts: ['Loki:3100'] }).path).toBe('deps.excludeHosts[0]');
  expect(bad({ enabled: 'yes' }).path).toBe('deps.enabled');
});

test('deps.propagateTraceContext: on by default, off with false, excluded hosts validated and named', () => {
  const resolve = (propagateTraceContext: unknown) =>
    resolveOptions({ serviceName: 's', deps: { propagateTraceContext } as never }).deps.propagateTraceContext;
  expect(resolve(undefined)).toEqual({ excludeHosts: [] });
  expect(resolve(true)).toEqual({ excludeHosts: [] });
  expect(resolve(false)).toBeUndefined();
  expect(resolve({ excludeHosts: ['api.stripe.com', '*.amazonaws.com'] })).toEqual({
    excludeHosts: ['api.stripe.com', '*.amazonaws.com'],
  });
  expect(bad({ propagateTraceContext: { excludeHosts: ['ok.example', 'https://api.stripe.com'] } }).path).toBe(
    'deps.propagateTraceContext.excludeHosts[1]',
  );
  expect(bad({ propagateTraceContext: { excludeHost: [] } }).path).toBe('deps.propagateTraceContext.excludeHost');
  expect(bad({ propagateTraceContext: 'yes' }).path).toBe('deps.propagateTraceContext');
});
