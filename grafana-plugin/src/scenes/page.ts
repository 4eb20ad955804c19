import {
  EmbeddedScene,
  SceneAppPage,
  SceneControlsSpacer,
  SceneDataLayerControls,
  SceneDataLayerSet,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
  VariableValueSelectors,
  type SceneAppDrilldownView,
  type SceneDataLayerProvider,
  type SceneObject,
  type SceneRouteMatch,
  type SceneVariable,
} from '@grafana/scenes';
import { PLUGIN_BASE_URL } from '../constants';
import type { ResolvedSettings } from '../settings';
import { addPanelMenus } from './panelMenu';
import { buildVariableSet, PRESERVED_URL_KEYS } from './variables';

/** What every page builder receives. */
export interface PageContext {
  settings: ResolvedSettings;
}

/** One entry of the page registry (pages/registry.ts): the app's nav, routes and scenes come from these. */
export interface PulsePage {
  /** URL segment under /a/<plugin id>/ — must match a plugin.json `includes` path (a test checks). */
  id: string;
  title: string;
  build(ctx: PageContext): SceneAppPage;
}

/** `/a/pulseapm-pulse-app/<path>` */
export function pageUrl(path: string): string {
  return `${PLUGIN_BASE_URL}/${path}`;
}

export interface SceneOptions {
  /** Page-specific variables, after the common ones (data sources, env, service, instance). */
  variables?: SceneVariable[];
  /** Annotation layers shown on every time series of the page (with a toggle in the controls). */
  dataLayers?: SceneDataLayerProvider[];
}

/**
 * A page's scene: the common variables, time range and refresh pickers as controls, and the
 * page's body. Every piece of state (variables, time range, refresh) syncs to the URL.
 */
export function pageScene(ctx: PageContext, body: SceneObject, options: SceneOptions = {}): EmbeddedScene {
  const layers = options.dataLayers ?? [];
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: 'now-1h', to: 'now' }),
    $variables: buildVariableSet(ctx.settings, options.variables),
    ...(layers.length > 0 ? { $data: new SceneDataLayerSet({ layers }) } : {}),
    controls: [
      new VariableValueSelectors({}),
      ...(layers.length > 0 ? [new SceneDataLayerControls()] : []),
      new SceneControlsSpacer(),
      new SceneTimePicker({ isOnCanvas: true }),
      new SceneRefreshPicker({ intervals: ['', '10s', '30s', '1m', '5m'], isOnCanvas: true }),
    ],
    // Every panel of every page gets Grafana's panel menu (Inspect, Explore): see panelMenu.tsx.
    body: addPanelMenus(body),
  });
}

export interface PageDefinition {
  id: string;
  title: string;
  subTitle: string;
  /** The page body; variables, time range and refresh are added around it. */
  body(ctx: PageContext): SceneObject;
  variables?(ctx: PageContext): SceneVariable[];
  /** Annotation layers (e.g. deploys and restarts) on the page's time series. */
  dataLayers?(ctx: PageContext): SceneDataLayerProvider[];
  /** Drill-downs below this page; `routePath` is relative to the page (e.g. ':route/*'). */
  drilldowns?: Array<{
    routePath: string;
    getPage(match: SceneRouteMatch<any>, parent: SceneAppPage, ctx: PageContext): SceneAppPage;
  }>;
}

/** Turns a page definition into a registry entry. One page = one file calling this + one registry line. */
export function definePage(def: PageDefinition): PulsePage {
  return {
    id: def.id,
    title: def.title,
    build(ctx) {
      const page: SceneAppPage = new SceneAppPage({
        title: def.title,
        subTitle: def.subTitle,
        url: pageUrl(def.id),
        routePath: `${def.id}/*`,
        preserveUrlKeys: PRESERVED_URL_KEYS,
        getScene: () =>
          pageScene(ctx, def.body(ctx), { variables: def.variables?.(ctx), dataLayers: def.dataLayers?.(ctx) }),
        drilldowns: (def.drilldowns ?? []).map((d): SceneAppDrilldownView => ({
          routePath: d.routePath,
          getPage: (match, parent) => d.getPage(match, parent as SceneAppPage, ctx),
        })),
      });
      return page;
    },
  };
}
