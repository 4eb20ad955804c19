// The names the stack shares (data source uids, dashboard uids, the app's id and pages, compose
// services). Fixed across the project: the Grafana app, the alert rules and the dashboards
// reference them, and test/uids.test.ts checks every reference resolves.

/** Grafana data source uids, provisioned by provisioning/datasources/pulse-datasources.yaml. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', loki: 'loki', alertmanager: 'alertmanager' } as const;

/** The Pulse Grafana app plugin. */
export const APP_PLUGIN_ID = 'pulseapm-pulse-app';
export const APP_BASE_PATH = `/a/${APP_PLUGIN_ID}`;

/** The app's pages (`/a/pulseapm-pulse-app/<page>`); `routes/<route>` and `errors/<fingerprint>` take a parameter. */
export const APP_PAGES = ['overview', 'routes', 'database', 'errors', 'health', 'dependencies', 'runtime'] as const;
export type AppPage = (typeof APP_PAGES)[number];

/** URL of an app page, optionally with its parameter (a route template or a fingerprint, already URL-safe). */
export function appUrl(page: AppPage, param?: string): string {
  return param === undefined ? `${APP_BASE_PATH}/${page}` : `${APP_BASE_PATH}/${page}/${param}`;
}

/** Dashboard uids; every generated dashboard has one of these. */
export const DASHBOARD_UIDS = {
  overview: 'pulse-overview',
  database: 'pulse-database',
  runtime: 'pulse-runtime',
  dependencies: 'pulse-dependencies',
  errors: 'pulse-errors',
  probes: 'pulse-probes',
} as const;

/** The Grafana folder the dashboards are provisioned into. */
export const DASHBOARD_FOLDER = { uid: 'pulse', title: 'Pulse dashboards' } as const;

/** Tag on every Pulse dashboard: the dashboards' "Pulse" dropdown link lists them by it. */
export const DASHBOARD_TAG = 'pulse';
