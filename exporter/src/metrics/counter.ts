import type { MetricDefinition } from '../catalog/types';
import type { ExpositionFormat } from './exposition';
import { counterFamilyName, formatNumber } from './exposition';
import type { OverflowListener, SeriesBase } from './labelled-metric';
import { LabelledMetric } from './labelled-metric';

export class CounterSeries implements SeriesBase {
  value = 0;
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

  inc(labelValues: readonly string[], amount = 1): void {
    this.seriesFor(labelValues).inc(amount);
  }

  renderSeries(format: ExpositionFormat, from: number, to: number): string {
    // Both formats expose the sample as `<family>_total`.
    const sample = counterFamilyName(this.def.name) + '_total';
    let out = '';
    for (let s = from; s < to; s++) {
      const series = this.series[s]!;
      const labels = series.labelPairs === '' ? '' : '{' + series.labelPairs + '}';
      out += sample + labels + ' ' + formatNumber(series.value) + '\n';
    }
    void format;
    return out;
  }
}
