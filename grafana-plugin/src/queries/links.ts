// URLs the app builds: drill-downs and data links. Pure, so routing can be tested without a browser.
import { traceLogs } from '@pulse-apm/exporter/queries/logql';
import pluginJson from '../plugin.json';
import { LABELS } from './labels';
import { VAR } from './variables';

/** Route detail's method variable (also in routeDetail.ts, which imports this module's paths). */
export const METHOD_VAR = 'method';

export const APP_BASE_URL = `/a/${pluginJson.id}`;

/** Segment of the Routes page; Route detail lives below it at `routes/<encoded route>`. */
export const ROUTES_PATH = 'routes';

/** `/a/pulseapm-pulse-app/routes/%2Fusers%2F%3Aid`: the route template is one encoded path segment. */
export function routeDetailPath(route: string): string {
  return `${APP_BASE_URL}/${ROUTES_PATH}/${encodeURIComponent(route)}`;
}

/**
 * The route from the drill-down URL segment. React Router 6 already decodes params (and keeps
 * `%2F` as `/`); older routers hand over the raw segment, so anything still encoded is decoded.
 */
export function routeFromPathParam(param: string | undefined): string {
  if (param === undefined || param === '') {
    throw new Error('Route detail: the URL has no route segment (expected /routes/<encoded route>)');
  }
  if (!/%[0-9A-Fa-f]{2}/.test(param)) {
    return param;
  }
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}

/** Query keys a data link carries so the target page keeps the time range and every variable. */
const KEEP_STATE = '${__url_time_range}&${__all_variables}';

/**
 * Data link on a table cell holding a route: opens that route's detail page. `withMethod` (rows
 * of method + route) opens it on the row's method (`var-method`); without it, every method.
 */
export function routeDetailDataLink(options: { withMethod?: boolean } = {}): { title: string; url: string } {
  const method = options.withMethod ? `var-${METHOD_VAR}=\${__data.fields.${LABELS.method}:percentencode}&` : '';
  return {
    title: options.withMethod ? 'Route detail (this method)' : 'Route detail',
    url: `${APP_BASE_URL}/${ROUTES_PATH}/\${__value.raw:percentencode}?${method}${KEEP_STATE}`,
  };
}

/** Route detail of one operation: `/a/…/routes/%2Fusers%2F%3Aid?var-method=DELETE`. */
export function operationDetailPath(route: string, method: string): string {
  return `${routeDetailPath(route)}?var-${METHOD_VAR}=${encodeURIComponent(method)}`;
}

/** Grafana template tokens (`${name}`, `${name:format}`) survive URL encoding in data links. */
function keepTemplateTokens(encoded: string): string {
  return encoded.replace(/%24%7B([A-Za-z0-9_.]+)(?:%3A(\w+))?%7D/g, (_m, name: string, format?: string) =>
    format ? `\${${name}:${format}}` : `\${${name}}`
  );
}

/** `${name:percentencode}`: a template token whose value is URL-safe once interpolated. */
function urlToken(name: string): string {
  return `\${${name}:percentencode}`;
}

/**
 * Data link on an exemplar's `trace_id`: Explore on the app's Loki with every event of that one
 * request (`| trace_id="<id>"`), not the events of a time window.
 */
export function exemplarLogsDataLink(): { title: string; url: string } {
  const scope = { service: urlToken(VAR.service), env: { regex: urlToken(VAR.env) } };
  const expr = traceLogs(scope, urlToken('__value.raw'));
  const loki = urlToken(VAR.loki);
  const pane = {
    datasource: loki,
    queries: [{ refId: 'A', expr, queryType: 'range', datasource: { type: 'loki', uid: loki } }],
    range: { from: '${__from}', to: '${__to}' },
  };
  const panes = keepTemplateTokens(encodeURIComponent(JSON.stringify({ trace: pane })));
  return { title: 'Events of this request (Loki)', url: `/explore?schemaVersion=1&orgId=1&panes=${panes}` };
}
