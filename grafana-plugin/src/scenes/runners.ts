import { SceneQueryRunner } from '@grafana/scenes';
import type { LokiTarget, PromTarget } from '../queries/types';
import { LOKI_DS, PROMETHEUS_DS } from './datasources';

/** Scenes' runner for query-module targets on the page's Prometheus. */
export function promRunner(targets: PromTarget[], options: { maxDataPoints?: number } = {}): SceneQueryRunner {
  return new SceneQueryRunner({
    datasource: PROMETHEUS_DS,
    queries: targets.map((t) => ({
      refId: t.refId,
      expr: t.expr,
      legendFormat: t.legendFormat,
      instant: t.instant ?? false,
      range: !(t.instant ?? false),
      format: t.format ?? 'time_series',
      exemplar: t.exemplar ?? false,
    })),
    ...options,
  });
}

/** Scenes' runner for query-module targets on the page's Loki. */
export function lokiRunner(targets: LokiTarget[]): SceneQueryRunner {
  return new SceneQueryRunner({
    datasource: LOKI_DS,
    queries: targets.map((t) => ({
      refId: t.refId,
      expr: t.expr,
      legendFormat: t.legendFormat,
      queryType: t.queryType ?? 'range',
      maxLines: t.maxLines,
    })),
  });
}
