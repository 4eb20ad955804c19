// What a page's query module hands to the scenes layer: data-source-agnostic query targets.
// Pure data, so tests can read every expression without building a scene.

export interface PromTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  /** Instant query (one value per series: tables, stats); default is a range query. */
  instant?: boolean;
  /** `table` for instant queries that feed a table. */
  format?: 'time_series' | 'table';
  /** Ask Prometheus for exemplars (latency histograms: each links to its request's events in Loki). */
  exemplar?: boolean;
}

export interface LokiTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  /** `range` for logs and metric queries over time, `instant` for a single value per series. */
  queryType?: 'range' | 'instant';
  maxLines?: number;
}

/** A Grafana `label_values(<selector>, <label>)` variable query, kept in parts so tests can run the selector. */
export interface LabelValuesQuery {
  /** A PromQL series selector (metric name + matchers). */
  seriesSelector: string;
  label: string;
}

export function labelValues(q: LabelValuesQuery): string {
  return `label_values(${q.seriesSelector}, ${q.label})`;
}

/** A query whose empty answer means "this signal is off for the selected service", and what to say then. */
export interface EmptyStateProbe {
  expr: string;
  title: string;
  /** What to do; `code` in backticks. */
  hint: string;
}
