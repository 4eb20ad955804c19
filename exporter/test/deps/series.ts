import type { MetricRegistry } from '../../src/metrics/registry';
import type { HistogramSeries } from '../../src/metrics/histogram';
import type { GaugeSeries } from '../../src/metrics/gauge';

// Reads series of Pulse's registry by label values, for assertions.

type AnySeries = { labelValues: readonly string[] };

function matching<S extends AnySeries>(registry: MetricRegistry, name: string, labels: Record<string, string>): S[] {
  const metric = registry.get(name);
  if (metric === undefined) return [];
  const names = metric.def.labelNames;
  return (metric.series as unknown as S[]).filter((s) =>
    Object.entries(labels).every(([k, v]) => s.labelValues[names.indexOf(k)] === v),
  );
}

/** Sum of `_count` over the histogram series whose labels include `labels`. */
export function histogramCount(registry: MetricRegistry, name: string, labels: Record<string, string> = {}): number {
  return matching<HistogramSeries>(registry, name, labels).reduce((n, s) => n + s.count, 0);
}

export function histogramSeries(
  registry: MetricRegistry,
  name: string,
  labels: Record<string, string> = {},
): HistogramSeries[] {
  return matching<HistogramSeries>(registry, name, labels);
}

/** The value of the one gauge series with exactly these labels (undefined when absent). */
export function gaugeValue(
  registry: MetricRegistry,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = matching<GaugeSeries>(registry, name, labels);
  return found.length === 1 ? found[0]!.value : undefined;
}

/** Label values of every series of a metric, as objects. */
export function seriesLabels(registry: MetricRegistry, name: string): Record<string, string>[] {
  const metric = registry.get(name);
  if (metric === undefined) return [];
  const names = metric.def.labelNames;
  return metric.series.map((s) => Object.fromEntries(names.map((n, i) => [n, s.labelValues[i] ?? ''])));
}
