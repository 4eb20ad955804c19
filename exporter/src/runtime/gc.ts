import { PerformanceObserver, constants } from 'node:perf_hooks';
import { v8GcDuration } from '../catalog/runtime';
import type { HistogramSeries } from '../metrics/histogram';
import type { MetricRegistry } from '../metrics/registry';

const KIND_NAMES: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Observes every GC pause by kind. Node delivers GC entries in batches; every entry of a batch is
 * recorded (prom-client's default `nodejs_gc_duration_seconds` records only the first one of each
 * batch and so undercounts under allocation bursts). Returns the function that stops observing.
 */
export function observeGcPauses(metrics: MetricRegistry, onError: (err: unknown) => void): () => void {
  const histogram = metrics.histogram(v8GcDuration);
  const byKind = new Map<number, HistogramSeries>();
  const seriesOf = (kind: number): HistogramSeries => {
    let series = byKind.get(kind);
    if (series === undefined) {
      series = histogram.seriesFor([KIND_NAMES[kind] ?? 'unknown']);
      byKind.set(kind, series);
    }
    return series;
  };
  const observer = new PerformanceObserver((list) => {
    try {
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
        seriesOf(kind).observe(entry.duration / 1000);
      }
    } catch (err) {
      onError(err);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
