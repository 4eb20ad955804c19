// Panel recipes the pages share, so every page gets the same units, empty states and links.
import { MappingType, ThresholdsMode, type DataTransformerConfig, type ValueMapping } from '@grafana/data';
import { BigValueColorMode, LogsSortOrder, StackingMode, TableCellDisplayMode } from '@grafana/schema';
import {
  PanelBuilders,
  SceneDataTransformer,
  SceneFlexItem,
  SceneFlexLayout,
  VizPanel,
  type SceneDataProvider,
  type SceneObject,
} from '@grafana/scenes';
import { LABELS } from '../queries/labels';
import { routeDetailDataLink } from '../queries/links';
import type { LokiTarget, PromTarget } from '../queries/types';
import { exemplarLinksTransformation } from './exemplarLinks';
import { lokiRunner, promRunner } from './runners';

export interface PanelOptions {
  description?: string;
  unit?: string;
  /** What the panel says when the query returns nothing: say what to turn on, not "No data". */
  noValue?: string;
}

/**
 * A time series panel; latency panels pass `exemplarLinks` so each exemplar opens its request's
 * events in Loki (set on the exemplar frames themselves: see exemplarLinks.ts for why an override cannot).
 */
export function timeseriesPanel(
  title: string,
  targets: PromTarget[],
  options: PanelOptions & { exemplarLinks?: boolean; stack?: boolean } = {}
): VizPanel {
  const runner = promRunner(targets);
  const builder = PanelBuilders.timeseries()
    .setTitle(title)
    .setData(
      options.exemplarLinks
        ? new SceneDataTransformer({ $data: runner, transformations: [exemplarLinksTransformation] })
        : runner
    )
    .setUnit(options.unit)
    .setNoValue(options.noValue)
    .setCustomFieldConfig('fillOpacity', options.stack ? 60 : 8);
  if (options.description) {
    builder.setDescription(options.description);
  }
  if (options.stack) {
    builder.setCustomFieldConfig('stacking', { mode: StackingMode.Normal });
  }
  return builder.build();
}

export interface StatOptions extends PanelOptions {
  mappings?: ValueMapping[];
  /** Thresholds, ascending: [[value, color], …]; the base colour is green. */
  steps?: Array<[number, string]>;
}

export function statPanel(title: string, targets: PromTarget[], options: StatOptions = {}): VizPanel {
  const builder = PanelBuilders.stat()
    .setTitle(title)
    .setData(promRunner(targets))
    .setUnit(options.unit)
    .setNoValue(options.noValue)
    .setOption('reduceOptions', { calcs: ['lastNotNull'], values: false, fields: '' })
    .setOption('colorMode', BigValueColorMode.Background);
  if (options.description) {
    builder.setDescription(options.description);
  }
  if (options.mappings) {
    builder.setMappings(options.mappings);
  }
  builder.setThresholds(thresholds(options.steps ?? []));
  return builder.build();
}

export function thresholds(steps: Array<[number, string]>) {
  return {
    mode: ThresholdsMode.Absolute,
    steps: [{ value: -Infinity, color: 'green' }, ...steps.map(([value, color]) => ({ value, color }))],
  };
}

/** Health values (pulse_health_status, pulse_health_check_status, up) as words. */
export const HEALTH_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      '1': { text: 'Healthy', color: 'green', index: 0 },
      '0.5': { text: 'Degraded', color: 'orange', index: 1 },
      '0': { text: 'Unhealthy', color: 'red', index: 2 },
    },
  },
];

export const UP_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: { '1': { text: 'Up', color: 'green', index: 0 }, '0': { text: 'Down', color: 'red', index: 1 } },
  },
];

/** A trend ratio (now / previous window) as an arrow. */
export const TREND_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.RangeToText,
    options: { from: 1.1, to: Infinity, result: { text: '↑', color: 'red', index: 0 } },
  },
  {
    type: MappingType.RangeToText,
    options: { from: -Infinity, to: 0.9, result: { text: '↓', color: 'green', index: 1 } },
  },
  { type: MappingType.RangeToText, options: { from: 0.9, to: 1.1, result: { text: '→', color: 'text', index: 2 } } },
];

export interface TableColumn {
  /** refId of the instant query feeding the column. */
  refId: string;
  name: string;
  unit?: string;
  steps?: Array<[number, string]>;
  mappings?: ValueMapping[];
}

export interface TableOptions extends PanelOptions {
  columns: TableColumn[];
  sortBy?: { column: string; desc: boolean };
  limit?: number;
  /** Link cells of this field (e.g. http_route) to Route detail; `operation`: the row's method too (tables by method + route). */
  linkRoutes?: boolean | 'operation';
  /** Fields to hide, by their name in the query result (labels, or `Value` of a single query). */
  hide?: string[];
}

/**
 * A table from instant queries in table format, one value column per query, joined on their
 * labels. Columns are named from the refIds (`Value #<refId>`, or `Value` for a single query).
 */
export function tablePanel(title: string, targets: PromTarget[], options: TableOptions): VizPanel {
  const renameByName: Record<string, string> = {};
  for (const c of options.columns) {
    renameByName[`Value #${c.refId}`] = c.name;
    if (targets.length === 1) {
      renameByName.Value = c.name;
    }
  }
  const transformations: DataTransformerConfig[] = [
    { id: 'merge', options: {} },
    {
      id: 'organize',
      options: {
        excludeByName: { Time: true, ...Object.fromEntries((options.hide ?? []).map((h) => [h, true])) },
        renameByName,
      },
    },
  ];
  if (options.sortBy) {
    transformations.push({
      id: 'sortBy',
      options: { fields: {}, sort: [{ field: options.sortBy.column, desc: options.sortBy.desc }] },
    });
  }
  if (options.limit) {
    transformations.push({ id: 'limit', options: { limitField: options.limit } });
  }
  const data: SceneDataProvider = new SceneDataTransformer({ $data: promRunner(targets), transformations });
  const builder = PanelBuilders.table()
    .setTitle(title)
    .setData(data)
    .setNoValue(options.noValue)
    .setOption('sortBy', options.sortBy ? [{ displayName: options.sortBy.column, desc: options.sortBy.desc }] : [])
    .setOverrides((b) => {
      for (const c of options.columns) {
        const o = b.matchFieldsWithName(c.name);
        if (c.unit) {
          o.overrideUnit(c.unit);
        }
        if (c.steps) {
          o.overrideThresholds(thresholds(c.steps)).overrideCustomFieldConfig('cellOptions', {
            type: TableCellDisplayMode.ColorText,
          });
        }
        if (c.mappings) {
          o.overrideMappings(c.mappings);
        }
      }
      if (options.linkRoutes) {
        b.matchFieldsWithName(LABELS.route).overrideLinks([
          routeDetailDataLink({ withMethod: options.linkRoutes === 'operation' }),
        ]);
      }
    });
  if (options.description) {
    builder.setDescription(options.description);
  }
  return builder.build();
}

/** Loki events (errors, slow requests, N+1 findings) with their details, trace id included. */
export function logsPanel(title: string, targets: LokiTarget[], options: PanelOptions = {}): VizPanel {
  const builder = PanelBuilders.logs()
    .setTitle(title)
    .setData(lokiRunner(targets))
    .setNoValue(options.noValue)
    .setOption('showTime', true)
    .setOption('enableLogDetails', true)
    .setOption('sortOrder', LogsSortOrder.Descending)
    .setOption('wrapLogMessage', true);
  if (options.description) {
    builder.setDescription(options.description);
  }
  return builder.build();
}

/** Grafana's alert list, narrowed to the selected service's firing and pending alerts. */
export function activeAlertsPanel(labelFilter: string): VizPanel {
  return new VizPanel({
    pluginId: 'alertlist',
    title: 'Active alerts',
    options: {
      viewMode: 'list',
      groupMode: 'default',
      maxItems: 10,
      sortOrder: 1,
      dashboardAlerts: false,
      alertInstanceLabelFilter: labelFilter,
      stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true },
      showInstances: true,
    },
  });
}

/** A row of panels of the same height. */
export function row(height: number, ...panels: SceneObject[]): SceneFlexLayout {
  return new SceneFlexLayout({
    direction: 'row',
    height,
    children: panels.map((body) => new SceneFlexItem({ body })),
  });
}

/** A page body: rows stacked top to bottom. */
export function column(...children: Array<SceneFlexLayout | SceneFlexItem>): SceneFlexLayout {
  return new SceneFlexLayout({
    direction: 'column',
    children: children.map((c) => (c instanceof SceneFlexItem ? c : new SceneFlexItem({ body: c }))),
  });
}
