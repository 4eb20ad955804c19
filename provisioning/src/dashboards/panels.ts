// Panel factories over @grafana/grafana-foundation-sdk: one small spec per panel (title, what it
// shows, its queries) instead of a builder chain repeated in every dashboard. Queries come from
// the shared query module; this file only decides how they are drawn.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardLinkBuilder,
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type DashboardLink,
  type Panel,
  type ThresholdsConfig,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  LegendDisplayMode,
  LegendPlacement,
  LogsSortOrder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** Dashboard variables holding the data sources: panels never name a data source uid directly. */
export const DATASOURCE_VARIABLES = { prometheus: 'datasource', loki: 'logs_datasource' } as const;
export type Source = keyof typeof DATASOURCE_VARIABLES;

export function datasourceRef(source: Source): { type: Source; uid: string } {
  return { type: source, uid: `\${${DATASOURCE_VARIABLES[source]}}` };
}

export interface Query {
  expr: string;
  /** Legend template (`{{http_route}}`). */
  legend?: string;
  /** One value per series at the end of the range (stat and table panels). */
  instant?: boolean;
  /** Prometheus only: show exemplars (trace ids) on the graph. */
  exemplar?: boolean;
}

export interface PanelSpec {
  title: string;
  /** What the panel shows and what to do about it: shown as the panel's info tooltip. */
  description: string;
  source: Source;
  queries: Query[];
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  /** Colour steps, lowest first: `[[null, 'green'], [0.01, 'orange'], [0.05, 'red']]`. */
  thresholds?: Array<[number | null, string]>;
  /** Numbers shown as words (health status 1 / 0.5 / 0). */
  valueText?: Array<[number, string, string]>;
  /** Data links on each value (app pages, other dashboards). */
  links?: Array<{ title: string; url: string }>;
  /** Grid width (of 24) and height. */
  w?: number;
  h?: number;
}

/** The subset of builder methods every SDK panel builder shares. */
interface CommonPanel<T> extends cog.Builder<Panel> {
  title(title: string): T;
  description(description: string): T;
  datasource(ref: { type: string; uid: string }): T;
  withTarget(target: cog.Builder<cog.Dataquery>): T;
  span(w: number): T;
  height(h: number): T;
  unit(unit: string): T;
  min(min: number): T;
  max(max: number): T;
  decimals(decimals: number): T;
  thresholds(thresholds: cog.Builder<ThresholdsConfig>): T;
  mappings(mappings: ValueMapping[]): T;
  dataLinks(links: cog.Builder<DashboardLink>[]): T;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(source: Source, q: Query, index: number): cog.Builder<cog.Dataquery> {
  const refId = REF_IDS[index];
  if (refId === undefined) throw new Error(`a panel holds at most ${REF_IDS.length} queries`);
  if (source === 'prometheus') {
    const t = new PromQuery().refId(refId).datasource(datasourceRef(source)).expr(q.expr);
    if (q.legend !== undefined) t.legendFormat(q.legend);
    if (q.instant) t.instant().format(PromQueryFormat.Table);
    else t.range();
    if (q.exemplar) t.exemplar(true);
    return t;
  }
  if (q.exemplar) throw new Error(`panel query "${q.expr}": exemplars are a Prometheus feature`);
  const t = new LokiQuery().refId(refId).datasource(datasourceRef(source)).expr(q.expr);
  if (q.legend !== undefined) t.legendFormat(q.legend);
  if (q.instant) t.queryType('instant').instant(true).range(false);
  else t.queryType('range');
  return t;
}

function apply<T extends CommonPanel<T>>(panel: T, spec: PanelSpec): T {
  panel
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRef(spec.source))
    .span(spec.w ?? 12)
    .height(spec.h ?? 8);
  spec.queries.forEach((q, i) => panel.withTarget(target(spec.source, q, i)));
  if (spec.unit !== undefined) panel.unit(spec.unit);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.thresholds) {
    panel.thresholds(
      new ThresholdsConfigBuilder()
        .mode(ThresholdsMode.Absolute)
        .steps(spec.thresholds.map(([value, color]) => ({ value, color }))),
    );
  }
  if (spec.valueText) {
    const options: Record<string, { text: string; color: string; index: number }> = {};
    spec.valueText.forEach(([value, text, color], index) => (options[String(value)] = { text, color, index }));
    panel.mappings([{ type: MappingType.ValueToText, options }]);
  }
  if (spec.links) {
    panel.dataLinks(spec.links.map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(false)));
  }
  return panel;
}

const legend = () =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.Table)
    .placement(LegendPlacement.Right)
    .calcs(['mean', 'max', 'lastNotNull']);

export function timeseries(spec: PanelSpec): cog.Builder<Panel> {
  return apply(new TimeseriesPanel(), spec).legend(legend()).fillOpacity(10).lineWidth(1);
}

export function stat(spec: PanelSpec): cog.Builder<Panel> {
  return apply(new StatPanel(), { h: 4, w: 6, ...spec });
}

export function table(spec: PanelSpec): cog.Builder<Panel> {
  return apply(new TablePanel(), spec);
}

export function stateTimeline(spec: PanelSpec): cog.Builder<Panel> {
  return apply(new StateTimelinePanel(), spec);
}

export function logs(spec: PanelSpec): cog.Builder<Panel> {
  if (spec.source !== 'loki') throw new Error(`logs panel "${spec.title}": source must be loki`);
  return apply(new LogsPanel(), { h: 10, w: 24, ...spec })
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .prettifyLogMessage(false)
    .sortOrder(LogsSortOrder.Descending);
}

/** Value mapping text for health statuses (the catalog's 1 / 0.5 / 0). */
export function healthText(values: { healthy: number; degraded: number; unhealthy: number }): PanelSpec['valueText'] {
  return [
    [values.healthy, 'healthy', 'green'],
    [values.degraded, 'degraded', 'orange'],
    [values.unhealthy, 'unhealthy', 'red'],
  ];
}
