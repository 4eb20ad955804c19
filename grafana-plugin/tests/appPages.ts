// What the e2e specs check on each of the app's pages in the compose stack (demo + payments under
// traffic, Prometheus, Loki, blackbox): panels that must render with data, and the app's own
// components that must show something. Plain data, so a jest test can check it covers every page
// of the registry (src/e2eCoverage.test.ts) without a browser.

/** How a panel shows it has data: a uPlot canvas, table rows, a node graph with a node, or a value other than its empty text. */
export type PanelCheck =
  | { title: string; kind: 'canvas' }
  | { title: string; kind: 'table' }
  | { title: string; kind: 'logs' }
  | { title: string; kind: 'nodegraph'; node: string }
  | { title: string; kind: 'stat'; emptyText: string };

export interface E2EPage {
  /** Registry id, or `<id>/<drill-down routePath>` as the page tests name drill-downs. */
  name: string;
  /** Path under /a/<plugin id>/; drill-downs with a fingerprint are opened from their parent page. */
  path: string;
  /** The page title Grafana shows. */
  title: string | RegExp;
  panels: PanelCheck[];
  /** data-testids of the app's own components and text each must contain. */
  components?: Array<{ testId: string; text: RegExp }>;
}

/** The demo's documented N+1 route: it has traffic, queries and events in the compose stack. */
export const DEMO_ROUTE = '/api/v1/posts/feed';
/** Every page opens on the demo service over the last 15 minutes (traffic runs all the time). */
export const PAGE_QUERY = 'from=now-15m&to=now&var-job=demo';

export const E2E_PAGES: E2EPage[] = [
  {
    name: 'services',
    path: 'services',
    title: 'Services',
    panels: [
      { title: 'Services', kind: 'table' },
      // demo calls payments: the map has both, linked.
      { title: 'Service map', kind: 'nodegraph', node: 'payments' },
    ],
  },
  {
    name: 'overview',
    path: 'overview',
    title: 'Overview',
    panels: [
      { title: 'Requests', kind: 'canvas' },
      { title: 'Latency', kind: 'canvas' },
      { title: 'Top routes by traffic', kind: 'table' },
      { title: 'Recent errors', kind: 'logs' },
    ],
  },
  {
    name: 'routes',
    path: 'routes',
    title: 'Routes',
    panels: [{ title: 'Routes', kind: 'table' }],
  },
  {
    name: 'routes/:route/*',
    path: `routes/${encodeURIComponent(DEMO_ROUTE)}`,
    title: DEMO_ROUTE,
    panels: [
      { title: 'Latency percentiles', kind: 'canvas' },
      { title: 'Status codes', kind: 'canvas' },
      { title: 'Queries this route runs', kind: 'table' },
    ],
  },
  {
    name: 'database',
    path: 'database',
    title: 'Database',
    panels: [
      { title: 'Operation latency (p95) by table and operation', kind: 'canvas' },
      { title: 'Operations', kind: 'table' },
      { title: 'Slowest query patterns', kind: 'table' },
      { title: 'N+1 findings', kind: 'table' },
      { title: 'Pool usage (used / max)', kind: 'canvas' },
      { title: 'Slow query events', kind: 'logs' },
    ],
  },
  {
    name: 'errors',
    path: 'errors',
    title: 'Errors',
    panels: [
      { title: 'Errors by type', kind: 'canvas' },
      { title: 'Error events', kind: 'logs' },
    ],
    components: [{ testId: 'pulse-error-groups', text: /Open|Regression|Muted|Resolved/ }],
  },
  {
    name: 'errors/:fingerprint/*',
    path: 'errors',
    title: /^Error group /,
    panels: [
      { title: 'Occurrences', kind: 'canvas' },
      { title: 'Occurrences (events)', kind: 'logs' },
    ],
    components: [
      { testId: 'pulse-error-occurrence', text: /Stack/ },
      { testId: 'pulse-error-group-status', text: /Open|Regression|Muted|Resolved/ },
    ],
  },
  {
    name: 'health',
    path: 'health',
    title: 'Health',
    panels: [
      { title: 'Composite status (worst instance)', kind: 'stat', emptyText: 'No health checks' },
      { title: 'Checks', kind: 'table' },
      { title: 'Check history', kind: 'canvas' },
      { title: 'Uptime probes', kind: 'table' },
      // Lifecycle events are left out: the start events are older than the range once the stack has run 15 min.
    ],
    components: [{ testId: 'pulse-target-status', text: /reporting|Stopped gracefully|Server lost/ }],
  },
  {
    name: 'dependencies',
    path: 'dependencies',
    title: 'Dependencies',
    panels: [
      { title: 'Service map', kind: 'nodegraph', node: 'payments' },
      { title: 'Dependencies', kind: 'table' },
      { title: 'Calls by dependency', kind: 'canvas' },
    ],
  },
  {
    name: 'runtime',
    path: 'runtime',
    title: 'Runtime',
    panels: [
      { title: 'Event loop delay', kind: 'canvas' },
      { title: 'Heap', kind: 'canvas' },
      { title: 'Instances', kind: 'table' },
    ],
  },
];
