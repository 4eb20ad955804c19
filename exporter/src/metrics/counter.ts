import type { MetricDefinition } from '../catalog/types';
import type { ChunkWriter } from './chunk-writer';
import type { ExpositionFormat } from './exposition';
import { counterFamilyName } from './exposition';
import type { OverflowListener, SeriesBase } from './labelled-metric';
import { LabelledMetric } from './labelled-metric';

export class CounterSeries implements SeriesBase {
  value = 0;
  /** `sample{labels} ` as bytes, made at first scrape. */
  encoded: Buffer | undefined;
  constructor(
    readonly labelValues: readonly string[],
    readonly labelPairs: string,
  ) {}

  inc(amount = 1): void {
    // A counter never goes down; a negative amount is a caller bug, not data.
    if (amount > 0) this.value += amount;
  }
}

export class Counter extends LabelledMetric<CounterSeries> {
  readonly linesPerSeries = 1;

  constructor(def: MetricDefinition, maxSeries: number, onOverflow?: OverflowListener) {
    super(def, maxSeries, onOverflow);
    if (!def.name.endsWith('_total')) throw new Error(`${def.name}: counter names end in _total`);
  }

  protected createSeries(labelValues: readonly string[], labelPairs: string): CounterSeries {
    return new CounterSeries(labelValues, labelPairs);
  }

  /**
   * Creates these series at 0 now, so a scrape shows them before anything happened: `increase()`
   * and alerts then see the first event (a series that appears at 1 has no increase to show).
   */
  seed(labelSets: Iterable<readonly string[]>): void {
    for (const labelValues of labelSets) this.seriesFor(labelValues);
  }

  inc(labelValues: readonly string[], amount = 1): void {
    this.seriesFor(labelValues).inc(amount);
  }

  renderSeries(_format: ExpositionFormat, from: number, to: number, out: ChunkWriter): void {
    // Both formats expose the sample as `<family>_total`.
    const sample = counterFamilyName(this.def.name) + '_total';
    for (let s = from; s < to; s++) {
      const series = this.series[s]!;
      series.encoded ??= Buffer.from(sample + (series.labelPairs === '' ? '' : '{' + series.labelPairs + '}') + ' ');
      out.bytes(series.encoded);
      out.number(series.value);
      out.newline();
    }
  }
}
