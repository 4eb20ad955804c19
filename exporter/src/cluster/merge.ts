import { WORKER_LABEL } from '../catalog/types';
import { escapeLabelValue } from '../metrics/exposition';
import type { Exemplar, FamilyState, SeriesState } from './state';

// Merges the workers' states into one: counters and histograms summed exactly (bucket by bucket),
// gauges by their aggregation, per-worker gauges kept apart under a `worker` label.

export interface WorkerFamilies {
  worker: string;
  families: readonly FamilyState[];
}

interface MergingSeries {
  labels: string;
  values: number[];
  /** Workers that contributed, for `average`. */
  contributions: number;
  exemplars?: (Exemplar | null)[];
}

interface MergingFamily {
  meta: FamilyState;
  series: Map<string, MergingSeries>;
}

export interface MergeResult {
  families: FamilyState[];
  /** Series left out because their bucket bounds differ from the first worker's (an app deployed with other buckets). */
  mismatched: number;
}

function withWorker(labels: string, worker: string): string {
  const pair = `${WORKER_LABEL}="${escapeLabelValue(worker)}"`;
  return labels === '' ? pair : `${labels},${pair}`;
}

const sameBounds = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);

function combine(into: MergingSeries, from: SeriesState, aggregation: FamilyState['aggregation']): void {
  const v = into.values;
  for (let i = 0; i < v.length; i++) {
    const x = from.values[i]!;
    if (aggregation === 'min') v[i] = Math.min(v[i]!, x);
    else if (aggregation === 'max') v[i] = Math.max(v[i]!, x);
    else if (aggregation !== 'first') v[i]! += x; // sum, and average (divided at the end)
  }
  into.contributions++;
  if (from.exemplars !== undefined) {
    into.exemplars ??= from.exemplars.map(() => null);
    from.exemplars.forEach((e, i) => {
      const mine = into.exemplars![i];
      if (e !== null && (mine === null || mine === undefined || e[2] > mine[2])) into.exemplars![i] = e;
    });
  }
}

/** Workers in order (the one answering the scrape first), then departed workers' totals. */
export function mergeWorkers(workers: readonly WorkerFamilies[]): MergeResult {
  const byName = new Map<string, MergingFamily>();
  let mismatched = 0;
  for (const { worker, families } of workers) {
    for (const family of families) {
      if (family.aggregation === 'omit') continue;
      let merging = byName.get(family.name);
      if (merging === undefined) {
        merging = { meta: family, series: new Map() };
        byName.set(family.name, merging);
      } else if (merging.meta.type !== family.type || !sameBounds(merging.meta.bounds, family.bounds)) {
        mismatched += family.series.length;
        continue;
      }
      const perWorker = family.aggregation === 'per-worker';
      for (const s of family.series) {
        const labels = perWorker ? withWorker(s.labels, worker) : s.labels;
        const found = merging.series.get(labels);
        if (found === undefined) {
          merging.series.set(labels, {
            labels,
            values: s.values.slice(),
            contributions: 1,
            ...(s.exemplars !== undefined && { exemplars: s.exemplars.slice() }),
          });
        } else if (found.values.length !== s.values.length) {
          mismatched++;
        } else {
          combine(found, s, family.aggregation);
        }
      }
    }
  }
  const families: FamilyState[] = [];
  for (const { meta, series } of byName.values()) {
    const out: SeriesState[] = [];
    for (const s of series.values()) {
      if (meta.aggregation === 'average') s.values = s.values.map((v) => v / s.contributions);
      out.push({ labels: s.labels, values: s.values, ...(s.exemplars !== undefined && { exemplars: s.exemplars }) });
    }
    families.push({ ...meta, series: out });
  }
  return { families, mismatched };
}
