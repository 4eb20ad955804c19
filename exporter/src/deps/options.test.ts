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
  });
  expect(bad({ names: { 'api.stripe.com': 'has space' } }).path).toBe('deps.names.api.stripe.com');
  expect(bad({ names: { 'https://api.stripe.com': 'stripe' } }).path).toBe('deps.names.https://api.stripe.com');
  expect(bad({ excludeHosts: ['Loki:3100'] }).path).toBe('deps.excludeHosts[0]');
  expect(bad({ enabled: 'yes' }).path).toBe('deps.enabled');
});
