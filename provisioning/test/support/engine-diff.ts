// Compares one query's answer from two PromQL engines (Prometheus, VictoriaMetrics) that hold the
// same samples: the same series (label sets), and at every instant both answer, values within a
// relative tolerance. What differs is described, not thrown, so a test can list every difference.
import type { PromMatrix, PromVector } from '../../../exporter/test/support/prometheus';

/**
 * Relative tolerance on values: |a − b| ≤ REL_TOLERANCE × max(|a|, |b|), or both within
 * ABS_TOLERANCE of 0. Float summation order differs between the engines (1e-12 territory); 1 %
 * leaves room for nothing else, so rate() extrapolation (up to a scrape interval's share of the
 * window) shows up as a difference.
 */
export const REL_TOLERANCE = 0.01;
export const ABS_TOLERANCE = 1e-9;

export type Labels = Record<string, string>;

export interface Difference {
  /** `labels`: a series only one engine returns; `values`: same series, values apart; `points`: one engine has instants the other lacks. */
  kind: 'labels' | 'values' | 'points';
  detail: string;
}

export const seriesKey = (l: Labels): string =>
  JSON.stringify(
    Object.keys(l)
      .sort()
      .map((k) => [k, l[k]]),
  );

export function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (Math.abs(a) <= ABS_TOLERANCE && Math.abs(b) <= ABS_TOLERANCE) return true;
  return Math.abs(a - b) <= REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Largest relative gap between two numbers (0 when close). */
const gap = (a: number, b: number): number =>
  close(a, b) ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), ABS_TOLERANCE);

/**
 * VictoriaMetrics leaves NaN out of its answers (a series whose only value is NaN is absent);
 * Prometheus returns it. Grafana draws neither, so NaN points are dropped from both before
 * comparing, and counted.
 */
function withoutNaN(m: PromMatrix): { matrix: PromMatrix; dropped: number } {
  let dropped = 0;
  const matrix = m
    .map((s) => {
      const values = s.values.filter(([, v]) => {
        if (Number.isNaN(v)) dropped++;
        return !Number.isNaN(v);
      });
      return { metric: s.metric, values };
    })
    .filter((s) => s.values.length > 0);
  return { matrix, dropped };
}

export const vectorAsMatrix = (v: PromVector): PromMatrix =>
  v.map((s) => ({ metric: s.metric, values: [[s.timestamp, s.value]] }));

export interface Comparison {
  differences: Difference[];
  /** Series both returned. */
  common: number;
  /** NaN points Prometheus returned (VictoriaMetrics never does). */
  nanDropped: number;
}

const show = (l: Labels): string =>
  `{${Object.keys(l)
    .sort()
    .map((k) => `${k}="${l[k]}"`)
    .join(', ')}}`;

export function compare(prometheus: PromMatrix, victoria: PromMatrix): Comparison {
  const p = withoutNaN(prometheus);
  const v = withoutNaN(victoria);
  const byKey = (m: PromMatrix) => new Map(m.map((s) => [seriesKey(s.metric), s]));
  const pm = byKey(p.matrix);
  const vm = byKey(v.matrix);
  const differences: Difference[] = [];
  for (const [k, s] of pm)
    if (!vm.has(k)) differences.push({ kind: 'labels', detail: `only Prometheus: ${show(s.metric)}` });
  for (const [k, s] of vm)
    if (!pm.has(k)) differences.push({ kind: 'labels', detail: `only VictoriaMetrics: ${show(s.metric)}` });
  let common = 0;
  for (const [k, ps] of pm) {
    const vs = vm.get(k);
    if (!vs) continue;
    common++;
    const vAt = new Map(vs.values.map(([t, x]) => [t, x]));
    const pAt = new Map(ps.values.map(([t, x]) => [t, x]));
    let worst = 0;
    let worstAt: [number, number, number] | undefined;
    for (const [t, a] of ps.values) {
      const b = vAt.get(t);
      if (b === undefined) continue;
      const g = gap(a, b);
      if (g > worst) [worst, worstAt] = [g, [t, a, b]];
    }
    if (worstAt) {
      const [t, a, b] = worstAt;
      differences.push({
        kind: 'values',
        detail: `${show(ps.metric)} at ${t}: Prometheus ${a}, VictoriaMetrics ${b} (${(worst * 100).toFixed(1)} % apart)`,
      });
    }
    const onlyP = ps.values.filter(([t]) => !vAt.has(t)).length;
    const onlyV = vs.values.filter(([t]) => !pAt.has(t)).length;
    if (onlyP + onlyV > 0) {
      differences.push({
        kind: 'points',
        detail: `${show(ps.metric)}: ${onlyP} instant(s) only Prometheus answers, ${onlyV} only VictoriaMetrics answers`,
      });
    }
  }
  return { differences, common, nanDropped: p.dropped };
}
