// Every Pulse dashboard, in the order the "Pulse dashboards" dropdown lists them.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { databaseDashboard } from './database';
import { dependenciesDashboard } from './dependencies';
import { errorsDashboard } from './errors';
import { overviewDashboard } from './overview';
import { probesDashboard } from './probes';
import { runtimeDashboard } from './runtime';

export function buildDashboards(): Dashboard[] {
  return [
    overviewDashboard(),
    databaseDashboard(),
    runtimeDashboard(),
    dependenciesDashboard(),
    errorsDashboard(),
    probesDashboard(),
  ];
}
