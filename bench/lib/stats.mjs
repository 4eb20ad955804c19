// Small statistics and formatting helpers shared by the benchmarks (no dependencies).

/** Sorted copy of a numeric array (ascending). */
export function sorted(values) {
  return Float64Array.from(values).sort();
}

/** Quantile q in [0, 1] of an already sorted array, linear interpolation between ranks. */
export function quantileSorted(s, q) {
  if (s.length === 0) return NaN;
  if (s.length === 1) return s[0];
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function quantile(values, q) {
  return quantileSorted(sorted(values), q);
}

export function median(values) {
  return quantile(values, 0.5);
}

export function min(values) {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return values.length ? m : NaN;
}

export function max(values) {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return values.length ? m : NaN;
}

export function mean(values) {
  if (!values.length) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Coefficient of variation (sample standard deviation / mean). */
export function cv(values) {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1)) / m;
}

/** Summary {median, min, max, n} of a list. */
export function summary(values) {
  return { median: median(values), min: min(values), max: max(values), n: values.length };
}

/** Growable Float64 sample buffer (for latencies: hundreds of thousands of values). */
export class Samples {
  constructor(capacity = 65536) {
    this.buf = new Float64Array(capacity);
    this.length = 0;
  }
  push(v) {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  pushAll(other) {
    for (let i = 0; i < other.length; i++) this.push(other.buf[i]);
  }
  sortedView() {
    return this.buf.subarray(0, this.length).slice().sort();
  }
}

/** Fixed decimals, with '–' for missing values. */
export function fmt(v, digits = 1) {
  return v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

/** Render rows (arrays of strings) as an aligned text table; first row is the header. */
export function table(rows, { alignLeft = [0] } = {}) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) =>
    r
      .map((cell, c) => (alignLeft.includes(c) ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c])))
      .join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------- verdicts (can the run tell?)

/** Quartiles of a list: { q1, median, q3, n } (NaN when empty). */
export function quartiles(values) {
  const s = sorted(values);
  return { q1: quantileSorted(s, 0.25), median: quantileSorted(s, 0.5), q3: quantileSorted(s, 0.75), n: s.length };
}

/**
 * Rounds slowed by the machine. On a shared or throttled machine some rounds take much more CPU
 * for the same work, for every variant alike; the baseline's own cost shows it, since the
 * baseline's code never changes. A round whose baseline cost exceeds the median of the baseline
 * over all rounds by more than `factor` is set apart. Needs 3 rounds to have a median worth
 * comparing with; fewer are all kept.
 * @param {{round: number, value: number}[]} baseline the baseline's cost (CPU µs/request) per round
 * @returns {{ kept: number[], slow: {round: number, value: number, vsMedian: number}[], median: number }}
 */
export function slowRounds(baseline, { factor = 1.25 } = {}) {
  const med = median(baseline.map((b) => b.value));
  if (baseline.length < 3) return { kept: baseline.map((b) => b.round), slow: [], median: med };
  const slow = [];
  const kept = [];
  for (const b of baseline) {
    if (b.value > med * factor) slow.push({ round: b.round, value: b.value, vsMedian: b.value / med });
    else kept.push(b.round);
  }
  return { kept, slow, median: med };
}

/**
 * Verdict on per-round ratios (variant / baseline, each round paired): the median is a headline
 * figure only when the rounds agree. Spread = interquartile range of the ratios, in percent of
 * the baseline (ratios 1.10 and 1.14 as quartiles: 4 %). Over `maxSpread` (percent), or with
 * fewer than `minRounds` rounds (quartiles of 3 or 4 values agree by chance too often), the run
 * cannot tell.
 * @returns {{ ok: boolean, n: number, median: number, q1: number, q3: number, spread: number, reason: string|null }}
 */
export function ratioVerdict(ratios, { maxSpread, minRounds = 5 }) {
  const finite = ratios.filter((r) => Number.isFinite(r));
  const { q1, median: med, q3, n } = quartiles(finite);
  // Rounded to 1e-6 %: 1.03 - 1.01 must be 2 %, not 2.0000000000000018 %.
  const spread = Math.round((q3 - q1) * 1e8) / 1e6;
  let reason = null;
  if (n < minRounds) reason = `${n} usable round${n === 1 ? '' : 's'} < ${minRounds}`;
  else if (!(spread <= maxSpread)) reason = `spread ${spread.toFixed(1)}% > threshold ${maxSpread}%`;
  return { ok: reason === null, n, median: med, q1, q3, spread, reason };
}

/** "cannot tell: <reason>" or the value formatted by `headline(verdict)`. */
export function verdictText(verdict, headline) {
  return verdict.ok ? headline(verdict) : `cannot tell: ${verdict.reason}`;
}
