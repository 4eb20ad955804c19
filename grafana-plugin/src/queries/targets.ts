// Shapes shared by every page's query module: the aggregation options of "now" and "over the
// selected range" for the chosen service, and an instant table target.
import type { AggregateOptions } from '@pulse-apm/exporter/queries/promql';
import type { PromTarget } from './types';
import { RATE_WINDOW, serviceSelector } from './variables';

/** Grafana's selected time range as a PromQL duration (`$__range`). */
export const SELECTED_RANGE = '$__range';

/** Rates over Grafana's rate window, for the selected service, kept by `by`. */
export const overRateWindow = (by: readonly string[] = []): AggregateOptions => ({
  selector: serviceSelector,
  window: RATE_WINDOW,
  by,
});

/** Rates over the whole selected range (table cells), kept by `by`. */
export const overRange = (by: readonly string[] = []): AggregateOptions => ({
  selector: serviceSelector,
  window: SELECTED_RANGE,
  by,
});

/** One value per series, shaped for a table panel. */
export function table(refId: string, expr: string): PromTarget {
  return { refId, expr, instant: true, format: 'table' };
}
