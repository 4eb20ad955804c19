import { OVERFLOW_LABEL_VALUE } from '../catalog/pulse';
import type { MetricDefinition } from '../catalog/types';
import type { ChunkWriter } from './chunk-writer';
import type { ExpositionFormat } from './exposition';
import { renderLabelPairs } from './exposition';

/** Called once per observation that lands in the overflow series. */
export type OverflowListener = (metricName: string) => void;

export interface SeriesBase {
  readonly labelValues: readonly string[];
  /** Pre-rendered `a="x",b="y"` (empty for a metric without labels). */
  readonly labelPairs: string;
}

/**
 * A metric family whose series are created on first use and capped: past `maxSeries` label sets,
 * new ones share one series whose every label is `_overflow`, and each such use is reported so
 * `pulse_series_dropped_total` can count it. Memory stays bounded whatever the traffic.
 */
export abstract class LabelledMetric<S extends SeriesBase> {
  readonly series: S[] = [];
  private readonly byKey = new Map<string, S>();
  private overflow: S | undefined;

  constructor(
    readonly def: MetricDefinition,
    readonly maxSeries: number,
    private readonly onOverflow: OverflowListener | undefined,
  ) {}

  protected abstract createSeries(labelValues: readonly string[], labelPairs: string): S;

  /** Writes the lines of series [from, to) of this family, in the given format. */
  abstract renderSeries(format: ExpositionFormat, from: number, to: number, out: ChunkWriter): void;

  /** Lines one series renders to; the serializer sizes its chunks with it. */
  abstract readonly linesPerSeries: number;

  /** The series for these label values (in catalog order), created on first use. */
  seriesFor(labelValues: readonly string[]): S {
    const key = labelValues.length === 1 ? labelValues[0]! : labelValues.join('\u0000');
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    return this.createOrOverflow(key, labelValues);
  }

  /** True when a new label set would land in the overflow series. */
  get isFull(): boolean {
    return this.byKey.size >= this.maxSeries;
  }

  /** Callers that keep their own cache of series ask this before caching one. */
  isOverflow(series: S): boolean {
    return series === this.overflow;
  }

  /** Reports one observation into the overflow series (callers that cache it call this per use). */
  countOverflow(): void {
    this.onOverflow?.(this.def.name);
  }

  private createOrOverflow(key: string, labelValues: readonly string[]): S {
    if (this.byKey.size >= this.maxSeries) {
      this.countOverflow();
      if (this.overflow === undefined) {
        const values = this.def.labelNames.map(() => OVERFLOW_LABEL_VALUE);
        this.overflow = this.createSeries(values, renderLabelPairs(this.def.labelNames, values));
        this.series.push(this.overflow);
      }
      return this.overflow;
    }
    if (labelValues.length !== this.def.labelNames.length) {
      throw new Error(
        `${this.def.name} takes ${this.def.labelNames.length} label values (${this.def.labelNames.join(', ')}), got ${labelValues.length}`,
      );
    }
    const values = labelValues.slice();
    const series = this.createSeries(values, renderLabelPairs(this.def.labelNames, values));
    this.byKey.set(key, series);
    this.series.push(series);
    return series;
  }

  /** Forgets every series (tests, and gauges rebuilt by a collector). */
  reset(): void {
    this.series.length = 0;
    this.byKey.clear();
    this.overflow = undefined;
  }
}
