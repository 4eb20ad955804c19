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
