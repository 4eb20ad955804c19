import { compileExcludedPaths } from './exclude-paths';
import { normaliseMethod } from './methods';

describe('excluded paths', () => {
  const excluded = compileExcludedPaths(['/metrics', '/health/*', '/internal/**', '/a.b'])!;
  it.each([
    ['/metrics', true],
    ['/metrics?x=1', true],
    ['/metrics/', true],
    ['/metricsx', false],
    ['/health/live', true],
    ['/health/live/deep', false],
    ['/internal/a/b/c', true],
    ['/aXb', false], // dots are literal
    ['/a.b', true],
    ['/api', false],
  ])('%s excluded: %s', (url, expected) => {
    expect(excluded(url)).toBe(expected);
  });
  it('is undefined when nothing is excluded', () => {
    expect(compileExcludedPaths([])).toBeUndefined();
  });
});

describe('method normalisation', () => {
  it('keeps known methods and folds the rest into _OTHER', () => {
    expect(normaliseMethod('GET')).toBe('GET');
    expect(normaliseMethod('PATCH')).toBe('PATCH');
    expect(normaliseMethod('PROPFIND')).toBe('_OTHER');
    expect(normaliseMethod('get')).toBe('_OTHER');
    expect(normaliseMethod(undefined)).toBe('_OTHER');
  });
});
