import type { Registry } from 'prom-client';
import { WORKER_LABEL } from '../catalog/types';
import { canonicalBound, escapeLabelValue, formatCanonicalFloat } from '../metrics/exposition';
import { Counter } from '../metrics/counter';
import { Gauge } from '../metrics/gauge';
import { Histogram } from '../metrics/histogram';
import type { MetricRegistry } from '../metrics/registry';

// One worker's metrics as plain data, so a peer can merge them exactly: counts stay numbers (never
// re-parsed from exposition text) and each series keeps its label text as it will be rendered.

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** Pulse's catalog attribute (`sum`, `per-worker`) or a prom-client metric's own `aggregator`. */
export type Aggregation = 'sum' | 'per-worker' | 'first' | 'min' | 'max' | 'average' | 'omit';

/** `[labels, seconds since epoch, value]` of an OpenMetrics exemplar. */
export type Exemplar = [labels: string, value: number, timestampSeconds: number];

/**
 * One label set. `values` is `[v]` for counters and gauges; for a histogram the cumulative
 * bucket counts (one per `bounds`, +Inf last), then sum and count; for a summary one value per
 * quantile in `bounds`, then sum and count.
 */
export interface SeriesState {
  labels: string;
  values: number[];
  /** Histograms only, by bucket; null where a bucket has none. */
  exemplars?: (Exemplar | null)[];
}

export interface FamilyState {
  name: string;
  help: string;
  type: FamilyType;
  unit: string;
  aggregation: Aggregation;
  /** `le` (histogram) or `quantile` (summary) values, canonical, in order. */
  bounds?: string[];
  series: SeriesState[];
}

export interface WorkerState {
  /** The worker's stable number (the `worker` label of per-worker gauges). */
  worker: string;
  /** Unique per process (pid and a random part), the name of its socket and snapshot. */
  key: string;
  families: FamilyState[];
}

/** Pulse's own metrics, as they are now (gauge collectors are the caller's to run first). */
export function pulseFamilies(registry: MetricRegistry): FamilyState[] {
  const families: FamilyState[] = [];
  for (const name of registry.names()) {
    const metric = registry.get(name)!;
    if (metric.series.length === 0) continue;
    const def = metric.def;
    const family: FamilyState = {
      name: def.name,
      help: def.help,
      type: def.type,
      unit: def.unit,
      aggregation: def.clusterAggregation ?? 'sum',
      series: [],
    };
    if (metric instanceof Histogram) {
      family.bounds = [...(def.buckets ?? []), Infinity].map(formatCanonicalFloat);
      for (const s of metric.series) {
        const values: number[] = [];
        let cumulative = 0;
        for (const c of s.counts) values.push((cumulative += c));
        values.push(s.sum, s.count);
        const series: SeriesState = { labels: s.labelPairs, values };
        const traceIds = s.exemplarTraceIds;
        if (traceIds !== undefined) {
          series.exemplars = [];
          for (let i = 0; i < s.counts.length; i++) {
            const traceId = traceIds[i];
            series.exemplars.push(
              traceId === undefined
                ? null
                : [`trace_id="${escapeLabelValue(traceId)}"`, s.exemplarValues![i]!, s.exemplarTimes![i]! / 1000],
            );
          }
        }
        family.series.push(series);
      }
    } else if (metric instanceof Counter || metric instanceof Gauge) {
      for (const s of metric.series) family.series.push({ labels: s.labelPairs, values: [s.value] });
    }
    families.push(family);
  }
  return families;
}

interface PromClientValue {
  labels?: Record<string, string | number>;
  value: number;
  metricName?: string;
  exemplar?: { labelSet: Record<string, string | number>; value: number; timestamp: number } | null;
}

interface PromClientMetric {
  name: string;
  get(): Promise<{ name: string; help: string; type: FamilyType; values?: PromClientValue[]; aggregator?: string }>;
}

const PROM_AGGREGATORS = new Set<string>(['sum', 'first', 'min', 'max', 'average', 'omit']);

const pairsOf = (labels: Record<string, string | number>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabelValue(String(v))}"`)
    .join(',');

type PromClientData = Awaited<ReturnType<PromClientMetric['get']>>;

const defaultLabelsOf = (registry: Registry): Record<string, string> =>
  (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {};

/**
 * The app's prom-client metrics (and the default metrics), except Pulse's own adapters (named in
 * `skip`). Each keeps its `aggregator` (prom-client's node:cluster attribute, `sum` by default).
 */
export async function promClientFamilies(registry: Registry, skip: ReadonlySet<string>): Promise<FamilyState[]> {
  const metrics = (registry.getMetricsAsArray() as unknown as PromClientMetric[]).filter((m) => !skip.has(m.name));
  const data = await Promise.all(metrics.map((m) => m.get()));
  return data.map((d) => familyFromPromClient(d, defaultLabelsOf(registry)));
}

interface PromClientInternals {
  name: string;
  help: string;
  type: FamilyType;
  collect?: unknown;
  hashMap?: Record<
    string,
    {
      labels?: Record<string, string | number>;
      value?: number;
      bucketValues?: Record<string, number>;
      sum?: number;
      count?: number;
    }
  >;
  upperBounds?: number[];
}

/**
 * The app's counters and histograms read now, synchronously (for the process's 'exit', where
 * prom-client's async get() cannot finish), from prom-client 15's own tables. Names it could not
 * read this way (a `collect` callback, another shape) are returned in `unread`.
 */
export function promClientCountsNow(
  registry: Registry,
  skip: ReadonlySet<string>,
): { families: FamilyState[]; unread: Set<string> } {
  const families: FamilyState[] = [];
  const unread = new Set<string>();
  for (const m of registry.getMetricsAsArray() as unknown as PromClientInternals[]) {
    if (skip.has(m.name) || (m.type !== 'counter' && m.type !== 'histogram')) continue;
    if (m.collect !== undefined || typeof m.hashMap !== 'object' || m.hashMap === null) {
      unread.add(m.name);
      continue;
    }
    const values: PromClientValue[] = [];
    for (const entry of Object.values(m.hashMap)) {
      const labels = entry.labels ?? {};
      if (m.type === 'counter') {
        values.push({ labels, value: entry.value ?? 0 });
        continue;
      }
      let cumulative = 0;
      for (const bound of m.upperBounds ?? []) {
        cumulative += entry.bucketValues?.[bound] ?? 0;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${m.name}_bucket` });
      }
      values.push({ labels, value: entry.sum ?? 0, metricName: `${m.name}_sum` });
      values.push({ labels, value: entry.count ?? 0, metricName: `${m.name}_count` });
    }
    families.push(
      familyFromPromClient({ name: m.name, help: m.help, type: m.type, values }, defaultLabelsOf(registry)),
    );
  }
  return { families, unread };
}

function familyFromPromClient(d: PromClientData, defaultLabels: Record<string, string>): FamilyState {
  const aggregation = (PROM_AGGREGATORS.has(d.aggregator ?? 'sum') ? (d.aggregator ?? 'sum') : 'sum') as Aggregation;
  const family: FamilyState = { name: d.name, help: d.help, type: d.type, unit: '', aggregation, series: [] };
  const boundLabel = d.type === 'histogram' ? 'le' : d.type === 'summary' ? 'quantile' : undefined;
  const bySeries = new Map<string, SeriesState>();
  const bounds: string[] = [];
  const tails = new Map<string, { sum: number; count: number }>();
  for (const v of d.values ?? []) {
    const all: Record<string, string | number> = { ...defaultLabels, ...v.labels };
    let bound: string | undefined;
    if (boundLabel !== undefined && all[boundLabel] !== undefined) {
      bound = canonicalBound(all[boundLabel]);
      delete all[boundLabel];
    }
    if (all[WORKER_LABEL] !== undefined) continue; // a label only the merge may add
    const labels = pairsOf(all);
    if (boundLabel === undefined) {
      family.series.push({ labels, values: [v.value] });
      continue;
    }
    let series = bySeries.get(labels);
    if (series === undefined) bySeries.set(labels, (series = { labels, values: [] }));
    if (bound !== undefined) {
      if (bySeries.size === 1) bounds.push(bound);
      series.values.push(v.value);
      if (d.type === 'histogram' && v.exemplar) {
        series.exemplars ??= [];
        series.exemplars[series.values.length - 1] = [
          pairsOf(v.exemplar.labelSet),
          v.exemplar.value,
          v.exemplar.timestamp,
        ];
      }
    } else {
      const tail = tails.get(labels) ?? { sum: 0, count: 0 };
      if (v.metricName?.endsWith('_count') === true) tail.count = v.value;
      else tail.sum = v.value;
      tails.set(labels, tail);
    }
  }
  if (boundLabel !== undefined) {
    family.bounds = bounds;
    for (const series of bySeries.values()) {
      if (series.values.length !== bounds.length) continue; // a series with other bounds cannot merge
      const tail = tails.get(series.labels) ?? { sum: 0, count: 0 };
      series.values.push(tail.sum, tail.count);
      if (series.exemplars !== undefined) {
        for (let i = 0; i < bounds.length; i++) series.exemplars[i] ??= null;
      }
      family.series.push(series);
    }
  }
  return family;
}

/** What a departed worker leaves behind: only what never goes down (counters, histograms). */
export function monotonicFamilies(families: readonly FamilyState[]): FamilyState[] {
  return families
    .filter((f) => f.type === 'counter' || f.type === 'histogram')
    .map((f) => ({ ...f, aggregation: 'sum', series: f.series.map((s) => ({ labels: s.labels, values: s.values })) }));
}
