import type { MetricDefinition } from '../catalog/types';
import type { ChunkWriter } from './chunk-writer';
import type { ExpositionFormat } from './exposition';
import type { OverflowListener, SeriesBase } from './labelled-metric';
import { LabelledMetric } from './labelled-metric';

export class GaugeSeries implements SeriesBase {
  value = 0;
  /** `sample{labels} ` as bytes, made at first scrape. */
  encoded: Buffer | undefined;
  constructor(
    readonly labelValues: readonly string[],
    readonly labelPairs: string,
  ) {}

  set(value: number): void {
    this.value = value;
  }
  inc(amount = 1): void {
    this.value += amount;
  }
  dec(amount = 1): void {
    this.value -= amount;
  }
}

/** Runs just before a scrape serialises, to refresh pull-style gauges (pool sizes, runtime). */
export type GaugeCollector = (gauge: Gauge) => void | Promise<void>;

export class Gauge extends LabelledMetric<GaugeSeries> {
  readonly linesPerSeries = 1;

  constructor(
    def: MetricDefinition,
    maxSeries: number,
    onOverflow?: OverflowListener,
    readonly collect?: GaugeCollector,
  ) {
    super(def, maxSeries, onOverflow);
  }

  protected createSeries(labelValues: readonly string[], labelPairs: string): GaugeSeries {
    return new GaugeSeries(labelValues, labelPairs);
  }

  set(labelValues: readonly string[], value: number): void {
    this.seriesFor(labelValues).set(value);
  }

  renderSeries(_format: ExpositionFormat, from: number, to: number, out: ChunkWriter): void {
    const name = this.def.name;
    for (let s = from; s < to; s++) {
      const series = this.series[s]!;
      series.encoded ??= Buffer.from(name + (series.labelPairs === '' ? '' : '{' + series.labelPairs + '}') + ' ');
      out.bytes(series.encoded);
      out.number(series.value);
      out.newline();
    }
  }
}
