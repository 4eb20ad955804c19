import { canonicalBound, escapeHelp, formatCanonicalFloat, renderFamilyHeader } from './exposition';

describe('canonical floats for le and quantile', () => {
  // OpenMetrics 1.0, "Considerations: Canonical Numbers": the renderings exposers SHOULD produce.
  it.each([
    [0, '0.0'],
    [0.001, '0.001'],
    [0.002, '0.002'],
    [0.01, '0.01'],
    [0.1, '0.1'],
    [0.9, '0.9'],
    [0.95, '0.95'],
    [0.99, '0.99'],
    [0.999, '0.999'],
    [1, '1.0'],
    [1.7, '1.7'],
    [10, '10.0'],
    [1e-10, '1e-10'],
    [1e-9, '1e-09'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [100000, '100000.0'],
    [1e6, '1e+06'],
    [1e10, '1e+10'],
    [16777216, '1.6777216e+07'],
    [-1, '-1.0'],
    [-0.5, '-0.5'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%p is written %s', (value, text) => {
    expect(formatCanonicalFloat(value)).toBe(text);
  });

  it('writes every value from 0 to 10 in 0.001 steps as Go %g does, with .0 on integers', () => {
    for (let k = 0; k <= 10_000; k++) {
      const value = k / 1000;
      const expected = Number.isInteger(value) ? `${value}.0` : String(value);
      expect(formatCanonicalFloat(value)).toBe(expected);
    }
  });

  it('rewrites a bound given as text, and leaves what is not a number alone', () => {
    expect(canonicalBound('1')).toBe('1.0');
    expect(canonicalBound('+Inf')).toBe('+Inf');
    expect(canonicalBound(2.5)).toBe('2.5');
    expect(canonicalBound('')).toBe('');
    expect(canonicalBound('p99')).toBe('p99');
  });
});

describe('HELP text', () => {
  const help = 'Jobs "done" in C:\\jobs\nsecond line';

  it('escapes backslash and line feed in the Prometheus text format, and leaves quotes as they are', () => {
    expect(escapeHelp(help, 'prometheus')).toBe('Jobs "done" in C:\\\\jobs\\nsecond line');
    expect(renderFamilyHeader('prometheus', 'jobs_total', 'counter', help, '')).toBe(
      '# HELP jobs_total Jobs "done" in C:\\\\jobs\\nsecond line\n# TYPE jobs_total counter\n',
    );
  });

  it('also escapes double quotes in OpenMetrics, whose ABNF forbids them bare', () => {
    expect(renderFamilyHeader('openmetrics', 'jobs_total', 'counter', help, '')).toBe(
      '# TYPE jobs counter\n# HELP jobs Jobs \\"done\\" in C:\\\\jobs\\nsecond line\n',
    );
  });
});
