import { pulseSeriesDropped } from '../catalog/pulse';
import type { MetricDefinition } from '../catalog/types';
import { ChunkWriter } from './chunk-writer';
import { Counter } from './counter';
import type { ExpositionFormat } from './exposition';
import { renderFamilyHeader } from './exposition';
import type { GaugeCollector } from './gauge';
import { Gauge } from './gauge';
import { Histogram } from './histogram';
import type { LabelledMetric, SeriesBase } from './labelled-metric';

export interface MetricRegistryOptions {
  /** Series cap per metric; label sets past it fold into the `_overflow` series. */
  maxSeriesPerMetric?: number;
  /** Per-metric caps by metric name, overriding `maxSeriesPerMetric`. */
  seriesLimits?: Readonly<Record<string, number>>;
}

export const DEFAULT_MAX_SERIES_PER_METRIC = 2000;

/** Serialising yields to the event loop whenever this much time has passed without a break. */
const MAX_BLOCK_MS = 5;
/** Lines rendered between two clock checks. */
const LINES_PER_SLICE = 2000;

type AnyMetric = LabelledMetric<SeriesBase>;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Pulse's own metrics. Faster than prom-client on both ends: observations touch a typed array,
 * and a scrape renders pre-escaped label strings in slices, yielding between them, so a large
 * registry never blocks the event loop for long.
 */
export class MetricRegistry {
  private readonly metrics: AnyMetric[] = [];
  private readonly byName = new Map<string, AnyMetric>();
  private readonly maxSeries: number;
  private readonly seriesLimits: Readonly<Record<string, number>>;
  readonly droppedSeries: Counter;

  constructor(options: MetricRegistryOptions = {}) {
    this.maxSeries = options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC;
    this.seriesLimits = options.seriesLimits ?? {};
    // One series per metric at most, so its own cap is never reached in practice.
    this.droppedSeries = new Counter(pulseSeriesDropped, 10_000);
    this.add(this.droppedSeries);
  }

  histogram(def: MetricDefinition): Histogram {
    return this.register(def, 'histogram', () => new Histogram(def, this.capFor(def), this.onOverflow));
  }

  counter(def: MetricDefinition): Counter {
    return this.register(def, 'counter', () => new Counter(def, this.capFor(def), this.onOverflow));
  }

  /** A gauge; `collect` (if given) refreshes it just before each scrape. */
  gauge(def: MetricDefinition, collect?: GaugeCollector): Gauge {
    return this.register(def, 'gauge', () => new Gauge(def, this.capFor(def), this.onOverflow, collect));
  }

  get(name: string): AnyMetric | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return this.metrics.map((m) => m.def.name);
  }

  /** The whole registry in one exposition format. Never blocks the event loop for more than a few ms. */
  async serialize(format: ExpositionFormat): Promise<string> {
    return Buffer.concat(await this.serializeChunks(format)).toString('utf8');
  }

  /**
   * The exposition as Buffer chunks, for writing to a response one by one: joining tens of MB
   * into one string would block the event loop longer than rendering does.
   */
  async serializeChunks(format: ExpositionFormat): Promise<Buffer[]> {
    await this.collect();
    const out = new ChunkWriter();
    let sliceStart = performance.now();
    for (const metric of this.metrics) {
      const total = metric.series.length; // series added while we yield wait for the next scrape
      if (total === 0) continue;
      out.string(renderFamilyHeader(format, metric.def.name, metric.def.type, metric.def.help, metric.def.unit));
      const perSlice = Math.max(1, Math.floor(LINES_PER_SLICE / metric.linesPerSeries));
      for (let from = 0; from < total; from += perSlice) {
        metric.renderSeries(format, from, Math.min(total, from + perSlice), out);
        if (performance.now() - sliceStart > MAX_BLOCK_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
    }
    return out.finish();
  }

  /** Runs every gauge collector; one that throws leaves its gauge as it was. */
  async collect(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const metric of this.metrics) {
      if (metric instanceof Gauge && metric.collect !== undefined) {
        try {
          const result = metric.collect(metric);
          if (result !== undefined) pending.push(result.catch(() => undefined));
        } catch {
          // A broken collector must not fail the scrape of everything else.
        }
      }
    }
    await Promise.all(pending);
  }

  private readonly onOverflow = (metricName: string): void => {
    this.droppedSeries.inc([metricName]);
  };

  private capFor(def: MetricDefinition): number {
    return this.seriesLimits[def.name] ?? this.maxSeries;
  }

  private register<M extends AnyMetric>(def: MetricDefinition, type: MetricDefinition['type'], create: () => M): M {
    if (def.type !== type) throw new Error(`${def.name} is a ${def.type} in the catalog, not a ${type}`);
    const existing = this.byName.get(def.name);
    if (existing !== undefined) return existing as M;
    const metric = create();
    this.add(metric);
    return metric;
  }

  private add(metric: AnyMetric): void {
    this.metrics.push(metric);
    this.byName.set(metric.def.name, metric);
    // A metric with labels can reach its cap: its drop counter exists at 0 from the start.
    if (metric !== this.droppedSeries && metric.def.labelNames.length > 0) this.droppedSeries.seed([[metric.def.name]]);
  }
}
