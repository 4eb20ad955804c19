import type { MetricDefinition } from '../catalog/types';
import type { ChunkWriter } from './chunk-writer';
import type { ExpositionFormat } from './exposition';
import { formatCanonicalFloat, renderExemplar } from './exposition';
import type { OverflowListener, SeriesBase } from './labelled-metric';
import { LabelledMetric } from './labelled-metric';

/**
 * One label set of a histogram. Bucket counts are kept per bucket (not cumulative) in a typed
 * array, so an observation is a short scan and three number writes — no allocation.
 */
export class HistogramSeries implements SeriesBase {
  /** counts[i] is observations in (bounds[i-1], bounds[i]]; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  /** Latest exemplar per bucket, as parallel arrays to avoid an object per observation. */
  exemplarTraceIds: (string | undefined)[] | undefined;
  exemplarValues: Float64Array | undefined;
  exemplarTimes: Float64Array | undefined;
  /** `name_bucket{labels,` / `name_sum{labels} ` / `name_count{labels} ` as bytes, made at first scrape. */
  encoded: { bucket: Buffer; sum: Buffer; count: Buffer } | undefined;

  constructor(
    readonly labelValues: readonly string[],
    readonly labelPairs: string,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** Observes and keeps `traceId` as the bucket's exemplar (OpenMetrics scrapes expose it). */
  observeWithExemplar(value: number, traceId: string, timestampMs: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (this.exemplarTraceIds === undefined) {
      this.exemplarTraceIds = new Array(bounds.length + 1);
      this.exemplarValues = new Float64Array(bounds.length + 1);
      this.exemplarTimes = new Float64Array(bounds.length + 1);
    }
    this.exemplarTraceIds[i] = traceId;
    this.exemplarValues![i] = value;
    this.exemplarTimes![i] = timestampMs;
  }
}

export class Histogram extends LabelledMetric<HistogramSeries> {
  private readonly bounds: Float64Array;
  /** `le="0.005"} ` … `le="1.0"} ` … `le="+Inf"} ` as bytes, rendered once. */
  private readonly leBytes: Buffer[];
  readonly linesPerSeries: number;

  constructor(def: MetricDefinition, maxSeries: number, onOverflow?: OverflowListener) {
    super(def, maxSeries, onOverflow);
    const buckets = def.buckets;
    if (buckets === undefined || buckets.length === 0) {
      throw new Error(`${def.name}: a histogram needs buckets in the catalog`);
    }
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`${def.name}: buckets must ascend`);
    }
    this.bounds = Float64Array.from(buckets);
    // Canonical floats (`1.0`), so the stored series are the same on Prometheus 2 and 3.
    this.leBytes = [...buckets, Infinity].map((b) => Buffer.from(`le="${formatCanonicalFloat(b)}"} `));
    this.linesPerSeries = buckets.length + 3;
  }

  protected createSeries(labelValues: readonly string[], labelPairs: string): HistogramSeries {
    return new HistogramSeries(labelValues, labelPairs, this.bounds);
  }

  /** Convenience for callers without a cached series: label values in catalog order. */
  observe(labelValues: readonly string[], value: number): void {
    this.seriesFor(labelValues).observe(value);
  }

  renderSeries(format: ExpositionFormat, from: number, to: number, out: ChunkWriter): void {
    const le = this.leBytes;
    const withExemplars = format === 'openmetrics';
    for (let s = from; s < to; s++) {
      const series = this.series[s]!;
      const encoded = series.encoded ?? (series.encoded = this.encode(series));
      const counts = series.counts;
      const traceIds = withExemplars ? series.exemplarTraceIds : undefined;
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i]!;
        out.bytes(encoded.bucket);
        out.bytes(le[i]!);
        out.number(cumulative);
        const traceId = traceIds?.[i];
        if (traceId !== undefined) {
          out.string(renderExemplar(traceId, series.exemplarValues![i]!, series.exemplarTimes![i]!));
        }
        out.newline();
      }
      out.bytes(encoded.sum);
      out.number(series.sum);
      out.newline();
      out.bytes(encoded.count);
      out.number(series.count);
      out.newline();
    }
  }

  private encode(series: HistogramSeries): { bucket: Buffer; sum: Buffer; count: Buffer } {
    const name = this.def.name;
    const labels = series.labelPairs === '' ? '' : '{' + series.labelPairs + '}';
    return {
      bucket: Buffer.from(name + '_bucket{' + (series.labelPairs === '' ? '' : series.labelPairs + ',')),
      sum: Buffer.from(name + '_sum' + labels + ' '),
      count: Buffer.from(name + '_count' + labels + ' '),
    };
  }
}
