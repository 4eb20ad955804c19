import { PulseConfigError } from '../config/errors';
import { resolveOptions } from '../config/options';

const bad = (runtime: unknown): PulseConfigError => {
  try {
    resolveOptions({ serviceName: 's', runtime });
  } catch (err) {
    if (err instanceof PulseConfigError) return err;
    throw err;
  }
  throw new Error('no error');
};

test('runtime options: defaults, and bad values name their path', () => {
  expect(resolveOptions({ serviceName: 's' }).runtime).toEqual({
    enabled: true,
    sampleIntervalMs: 5000,
    eventLoopResolutionMs: 20,
    leak: { windowMs: 1_800_000, slices: 6, minHeapGrowth: 0.1, minHandleGrowth: 0.1, minHandleIncrease: 50 },
  });
  expect(resolveOptions({ serviceName: 's', runtime: { leak: false } }).runtime.leak).toBe(false);
  expect(bad({ sampleIntervalMs: 0 }).path).toBe('runtime.sampleIntervalMs');
  expect(bad({ eventLoopResolutionMs: 2.5 }).path).toBe('runtime.eventLoopResolutionMs');
  expect(bad({ leak: { slices: 1 } }).path).toBe('runtime.leak.slices');
  expect(bad({ sampleInterval: 100 }).message).toMatch(/did you mean "runtime.sampleIntervalMs"/);
});
