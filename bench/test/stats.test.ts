// The harness's verdicts: a figure is printed only when its rounds agree; rounds the machine
// slowed (the baseline's own cost jumped) are set apart before anything is pooled.
import { quartiles, slowRounds, ratioVerdict, verdictText } from '../lib/stats.mjs';

const rounds = (values: number[]) => values.map((value, round) => ({ round, value }));

describe('quartiles', () => {
  it('interpolates between ranks like the harness quantiles (odd and even counts)', () => {
    expect(quartiles([5, 1, 3, 2, 4])).toEqual({ q1: 2, median: 3, q3: 4, n: 5 });
    expect(quartiles([1, 2, 3, 4])).toEqual({ q1: 1.75, median: 2.5, q3: 3.25, n: 4 });
  });

  it('is NaN, not a number that looks measured, for no values', () => {
    const q = quartiles([]);
    expect(q.n).toBe(0);
    expect(q.median).toBeNaN();
  });
});

describe('slowRounds', () => {
  it('sets apart rounds where the baseline took far more CPU than its median', () => {
    // Bare Express at ~42 µs/request, one round at twice that (the machine, not the code).
    const r = slowRounds(rounds([42, 43, 41, 88, 42, 44]));
    expect(r.slow.map((s) => s.round)).toEqual([3]);
    expect(r.slow[0].vsMedian).toBeCloseTo(88 / 42.5, 5);
    expect(r.kept).toEqual([0, 1, 2, 4, 5]);
  });

  it('keeps rounds within the factor, and faster rounds (a quiet moment is not an outlier)', () => {
    const r = slowRounds(rounds([100, 120, 124, 60]), { factor: 1.25 });
    expect(r.slow).toEqual([]);
    expect(r.kept).toEqual([0, 1, 2, 3]);
  });

  it('keeps everything below 3 rounds (no median to compare with)', () => {
    expect(slowRounds(rounds([40, 400])).kept).toEqual([0, 1]);
  });

  it('honours a stricter factor', () => {
    expect(slowRounds(rounds([100, 100, 111]), { factor: 1.1 }).slow.map((s) => s.round)).toEqual([2]);
  });
});

describe('ratioVerdict', () => {
  it('gives the median and interquartile range when the rounds agree', () => {
    const v = ratioVerdict([1.18, 1.2, 1.19, 1.21, 1.2], { maxSpread: 5 });
    expect(v.ok).toBe(true);
    expect(v.median).toBeCloseTo(1.2, 10);
    expect(v.q1).toBeCloseTo(1.19, 10);
    expect(v.q3).toBeCloseTo(1.2, 10);
    expect(v.spread).toBeCloseTo(1, 6); // percent of the baseline
    expect(verdictText(v, (x) => `x${x.median.toFixed(2)}`)).toBe('x1.20');
  });

  it('cannot tell when the rounds disagree beyond the threshold, and says by how much', () => {
    const v = ratioVerdict([1.05, 1.3, 1.12, 1.4, 0.98], { maxSpread: 5 });
    expect(v.ok).toBe(false);
    expect(v.spread).toBeCloseTo(25, 6); // q1 1.05, q3 1.30
    expect(verdictText(v, () => 'headline')).toBe('cannot tell: spread 25.0% > threshold 5%');
  });

  it('cannot tell from too few rounds, however close they are (5 by default)', () => {
    const v = ratioVerdict([1.1, 1.1, 1.1, 1.1], { maxSpread: 5 });
    expect(v.ok).toBe(false);
    expect(v.reason).toBe('4 usable rounds < 5');
    expect(ratioVerdict([1.1, 1.1], { maxSpread: 5, minRounds: 2 }).ok).toBe(true);
  });

  it('ignores rounds without a figure (a variant that failed in that round)', () => {
    const v = ratioVerdict([1.1, NaN, 1.11, 1.12, Infinity], { maxSpread: 5, minRounds: 3 });
    expect(v.n).toBe(3);
    expect(v.ok).toBe(true);
  });

  it('treats a spread exactly at the threshold as agreeing', () => {
    expect(ratioVerdict([1.0, 1.01, 1.02, 1.03, 1.04], { maxSpread: 2 }).ok).toBe(true);
  });
});
