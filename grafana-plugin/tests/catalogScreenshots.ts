// The screenshots Grafana's plugin catalog shows: taken by tests/catalogScreenshots.spec.ts from the
// compose stack into src/img/, then listed in src/plugin.json `info.screenshots` once committed
// (src/catalogReadiness.test.ts keeps the two in step: a listed file must exist, an existing one must
// be listed). Plain data, so jest can read it without a browser.

export interface CatalogScreenshot {
  /** File name under src/img/. */
  file: string;
  /** Caption in plugin.json. */
  name: string;
  /** Path under /a/<plugin id>/. */
  path: string;
  /** Panels that must show before the picture is taken. */
  panels: string[];
}

export const CATALOG_SCREENSHOTS: CatalogScreenshot[] = [
  { file: 'screenshot-services.png', name: 'Services', path: 'services', panels: ['Services', 'Service map'] },
  { file: 'screenshot-overview.png', name: 'Overview', path: 'overview', panels: ['Requests', 'Latency'] },
  { file: 'screenshot-routes.png', name: 'Routes', path: 'routes', panels: ['Routes'] },
  { file: 'screenshot-errors.png', name: 'Errors', path: 'errors', panels: ['Errors by type'] },
  { file: 'screenshot-dependencies.png', name: 'Dependencies', path: 'dependencies', panels: ['Service map'] },
];

/** Where the spec writes them, relative to grafana-plugin/. */
export const SCREENSHOT_DIR = 'src/img';
