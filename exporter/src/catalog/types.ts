// The shape of a catalog entry. Kept free of Node imports: the Grafana app, dashboards and alert
// rules import the catalog too.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Signal = 'http' | 'db' | 'runtime' | 'deps' | 'health' | 'errors' | 'logs' | 'pulse';

export interface MetricDefinition<L extends string = string> {
  /** Prometheus name as exposed (counters end in `_total`, histograms carry their unit). */
  readonly name: string;
  readonly type: MetricType;
  /** Unit suffix in OpenMetrics terms (`seconds`, `bytes`) or '' for dimensionless. */
  readonly unit: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Upper bounds, ascending; histograms only. */
  readonly buckets?: readonly number[];
  readonly signal: Signal;
  /**
   * Gauges only: how the workers of one host (node:cluster, PM2 cluster mode) combine on one scrape.
   * `sum` adds them (in-flight requests, pool sizes); `per-worker` keeps one series per worker,
   * labelled `worker` (event-loop delay, health). Counters and histograms always sum.
   */
  readonly clusterAggregation?: ClusterAggregation;
}

export type ClusterAggregation = 'sum' | 'per-worker';

/** The label `per-worker` gauges carry under a cluster: the worker's stable number (PM2's NODE_APP_INSTANCE, else cluster.worker.id). */
export const WORKER_LABEL = 'worker';

/** Declares a metric with its label names kept as a literal union, so callers get typed labels. */
export function defineMetric<const L extends string>(def: MetricDefinition<L>): MetricDefinition<L> {
  return Object.freeze({ ...def, labelNames: Object.freeze([...def.labelNames]) });
}

export type LabelName<D> = D extends MetricDefinition<infer L> ? L : never;
