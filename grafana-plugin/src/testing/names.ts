// Which metric and label names a PromQL or LogQL expression uses, from the real grammars.
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import {
  allMetrics,
  DEFAULT_METRIC_LABELS,
  DEFAULT_METRIC_NAMES,
  LOG_METADATA_KEYS,
  LOKI_LABELS,
  WORKER_LABEL,
} from '@pulse-apm/exporter/catalog';
import { BLACKBOX_METRICS, BUCKET_LABEL, PROMETHEUS_METRICS, TARGET_LABELS } from '@pulse-apm/exporter/queries/promql';

export interface PromqlNames {
  metrics: Set<string>;
  labels: Set<string>;
  /** Offsets of syntax errors (empty when the expression parses). */
  errors: number[];
}

export function promqlNames(expr: string): PromqlNames {
  const out: PromqlNames = { metrics: new Set(), labels: new Set(), errors: [] };
  promqlParser.parse(expr).iterate({
    enter(ref) {
      if (ref.type.isError) {
        out.errors.push(ref.from);
      }
      if (ref.name === 'Identifier' && ref.node.parent?.name === 'VectorSelector') {
        out.metrics.add(expr.slice(ref.from, ref.to));
      }
      if (ref.name === 'LabelName') {
        out.labels.add(expr.slice(ref.from, ref.to));
      }
    },
  });
  return out;
}

export interface LogqlNames {
  /** Labels the query reads that the line must bring (stream labels, structured metadata). */
  labels: Set<string>;
  /** Labels the query itself defines with `| json name="field"` (and Loki's own `__error__`). */
  extracted: Set<string>;
  errors: number[];
}

/** Stream-selector labels, label-filter names and grouping labels of a LogQL query. */
export function logqlNames(expr: string): LogqlNames {
  const out: LogqlNames = { labels: new Set(), extracted: new Set(['__error__']), errors: [] };
  logqlParser.parse(expr).iterate({
    enter(ref) {
      if (ref.name === 'LabelExtractionExpression' && ref.node.firstChild) {
        out.extracted.add(expr.slice(ref.node.firstChild.from, ref.node.firstChild.to));
      }
    },
  });
  logqlParser.parse(expr).iterate({
    enter(ref) {
      if (ref.type.isError) {
        out.errors.push(ref.from);
      }
      if ((ref.name === 'Matcher' || ref.name === 'NumberFilter') && ref.node.firstChild) {
        out.labels.add(expr.slice(ref.node.firstChild.from, ref.node.firstChild.to));
      }
      if (ref.name === 'Grouping') {
        const inner = expr.slice(ref.from, ref.to).replace(/^\w+\s*\(|\)$/g, '');
        inner
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean)
          .forEach((l) => out.labels.add(l));
      }
    },
  });
  for (const l of out.extracted) {
    out.labels.delete(l);
  }
  return out;
}

/** Every series name Pulse's exporter (catalog + prom-client defaults) and Prometheus itself expose. */
export const KNOWN_METRICS = new Set<string>([
  ...allMetrics.flatMap((m) =>
    m.type === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => m.name + s) : [m.name]
  ),
  ...DEFAULT_METRIC_NAMES,
  ...Object.values(PROMETHEUS_METRICS),
  // The Health page's uptime probes (blackbox exporter series).
  ...Object.values(BLACKBOX_METRICS),
]);

export const KNOWN_PROM_LABELS = new Set<string>([
  ...allMetrics.flatMap((m) => m.labelNames),
  ...Object.values(DEFAULT_METRIC_LABELS),
  ...Object.values(TARGET_LABELS),
  BUCKET_LABEL,
  // The worker of a clustered instance, on the catalog's per-worker gauges.
  WORKER_LABEL,
]);

export const KNOWN_LOKI_LABELS = new Set<string>([...Object.values(LOKI_LABELS), ...LOG_METADATA_KEYS]);
