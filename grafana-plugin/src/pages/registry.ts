// The app's pages, in nav order. Adding a page: create pages/<name>/<name>Page.ts exporting
// `definePage({...})`, add it here, and add its `includes` entry to plugin.json (a test checks
// the two agree).
import type { PulsePage } from '../scenes/page';
import { servicesPage } from './services/servicesPage';
import { overviewPage } from './overview/overviewPage';
import { databasePage } from './database/databasePage';
import { dependenciesPage } from './dependencies/dependenciesPage';
import { errorsPage } from './errors/errorsPage';
import { healthPage } from './health/healthPage';
import { routesPage } from './routes/routesPage';
import { runtimePage } from './runtime/runtimePage';

export const pulsePages: PulsePage[] = [
  // The landing page (plugin.json `defaultNav`): every service, each opening its Overview.
  servicesPage,
  overviewPage,
  routesPage,
  databasePage,
  errorsPage,
  healthPage,
  dependenciesPage,
  runtimePage,
];
