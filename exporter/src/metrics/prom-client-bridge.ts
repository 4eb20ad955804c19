import type { Registry } from 'prom-client';
import type { MetricDefinition } from '../catalog/types';
import { Counter } from './counter';
import type { ExpositionFormat } from './exposition';
import { canonicalBound, escapeLabelValue, formatCanonicalFloat, formatNumber, renderFamilyHeader } from './exposition';
import { Gauge } from './gauge';
import { Histogram } from './histogram';
import type { MetricRegistry } from './registry';

// Pulse keeps its hot metrics in its own registry, but prom-client stays the registry users know:
// - their own prom-client metrics (and the default metrics) are served on Pulse's /metrics, and
// - Pulse's metrics appear in `register.metrics()` for apps that keep their own endpoint.

interface PromClientValue {
  labels?: Record<string, string | number>;
  sharedLabels?: Record<string, string | number>;
  value: number;
  metricName?: string;
  exemplar?: { labelSet: Record<string, string | number>; value: number; timestamp: number } | null;
}

interface PromClientMetricData {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  values?: PromClientValue[];
}

interface PromClientMetricLike {
  get(): Promise<PromClientMetricData> | PromClientMetricData;
  getForPromString?(): Promise<PromClientMetricData>;
}

/** Marks the adapters, so serialising the prom-client registry skips Pulse's own metrics. */
const isPulseAdapter = Symbol('pulse.adapter');

/** Renders every metric of a prom-client registry except Pulse's adapters. */
export async function serializePromClientRegistry(registry: Registry, format: ExpositionFormat): Promise<string> {
  const metrics = registry.getMetricsAsArray() as unknown as (PromClientMetricLike & { [isPulseAdapter]?: true })[];
  const own = metrics.filter((m) => m[isPulseAdapter] !== true);
  const data = await Promise.all(
    own.map((m) => (typeof m.getForPromString === 'function' ? m.getForPromString() : m.get())),
  );
  // prom-client keeps default labels privately; honour them as its own serializer does.
  const defaultLabels = (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {};
  const hasDefaults = Object.keys(defaultLabels).length > 0;
  let out = '';
  for (const family of data) {
    out += renderFamilyHeader(format, family.name, family.type, family.help, '');
    const counterSample = family.type === 'counter' ? family.name.replace(/_total$/, '') + '_total' : undefined;
    const boundLabel = family.type === 'histogram' ? 'le' : family.type === 'summary' ? 'quantile' : undefined;
    for (const v of family.values ?? []) {
      const labels: Record<string, string | number> = hasDefaults
        ? { ...defaultLabels, ...v.sharedLabels, ...v.labels }
        : { ...v.sharedLabels, ...v.labels };
      // prom-client writes `le="1"`; Pulse writes every bucket bound and quantile canonically.
      if (boundLabel !== undefined && labels[boundLabel] !== undefined) {
        labels[boundLabel] = canonicalBound(labels[boundLabel]);
      }
      const pairs = Object.entries(labels)
        .map(([k, value]) => `${k}="${escapeLabelValue(String(value))}"`)
        .join(',');
      const name = counterSample ?? v.metricName ?? family.name;
      out += name + (pairs === '' ? '' : `{${pairs}}`) + ' ' + formatNumber(v.value);
      if (format === 'openmetrics' && v.exemplar) {
        const ex = Object.entries(v.exemplar.labelSet)
          .map(([k, value]) => `${k}="${escapeLabelValue(String(value))}"`)
          .join(',');
        out += ` # {${ex}} ${formatNumber(v.exemplar.value)} ${v.exemplar.timestamp}`;
      }
      out += '\n';
    }
  }
  return out;
}

/** A prom-client "metric" that reads one of Pulse's metrics, for `register.metrics()`. */
function adapterFor(def: MetricDefinition, registry: MetricRegistry) {
  return {
    [isPulseAdapter]: true as const,
    name: def.name,
    help: def.help,
    type: def.type,
    aggregator: 'sum' as const,
    reset(): void {},
    async get(): Promise<PromClientMetricData> {
      const metric = registry.get(def.name);
      const values: PromClientValue[] = [];
      for (const s of metric?.series ?? []) {
        const labels = Object.fromEntries(def.labelNames.map((n, i) => [n, s.labelValues[i] ?? '']));
        if (metric instanceof Histogram) {
          const series = s as unknown as import('./histogram').HistogramSeries;
          let cumulative = 0;
          const bounds = [...(def.buckets ?? []), Infinity];
          series.counts.forEach((c, i) => {
            cumulative += c;
            values.push({
              labels: { ...labels, le: formatCanonicalFloat(bounds[i]!) },
              value: cumulative,
              metricName: `${def.name}_bucket`,
            });
          });
          values.push({ labels, value: series.sum, metricName: `${def.name}_sum` });
          values.push({ labels, value: series.count, metricName: `${def.name}_count` });
        } else if (metric instanceof Counter || metric instanceof Gauge) {
          values.push({ labels, value: (s as unknown as { value: number }).value });
        }
      }
      return { name: def.name, help: def.help, type: def.type, values };
    },
  };
}

/**
 * Throws when a metric of Pulse's catalog is already in this prom-client registry (another Pulse
 * instance). createPulse() asks before it starts anything, so a failed second instance leaves
 * no thread, listener or event behind.
 */
export function assertRegistryFree(promRegistry: Registry, names: Iterable<string>): void {
  for (const name of names) {
    if (promRegistry.getSingleMetric(name) !== undefined) throw registryTaken(name);
  }
}

function registryTaken(name: string): Error {
  return new Error(
    `prom-client registry already has a metric named ${name}: is another Pulse instance running? ` +
      'Call shutdown() on it, or pass each instance its own `registry`.',
  );
}

/**
 * Registers read-only adapters for Pulse's metrics in a prom-client registry. Returns the undo.
 * Throws when another Pulse instance already registered there (two would double-count).
 */
export function exposeInPromClient(promRegistry: Registry, registry: MetricRegistry): () => void {
  const names = registry.names();
  for (const name of names) {
    if (promRegistry.getSingleMetric(name) !== undefined) throw registryTaken(name);
  }
  for (const name of names) {
    const metric = registry.get(name)!;
    promRegistry.registerMetric(adapterFor(metric.def, registry) as never);
  }
  return () => {
    for (const name of names) promRegistry.removeSingleMetric(name);
  };
}
