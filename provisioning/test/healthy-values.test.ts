/**
 * Healthy reads 0 %, not a gap: the dashboards' error-ratio panels (5xx ratio, 5xx ratio by route,
 * dependencies' failed share), taken from the committed dashboard JSON, run as recording rules
 * under `promtool test rules` over series where one operation never answered 5xx and one
 * dependency never failed.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import fs from 'node:fs';
import path from 'node:path';
import { promtoolTest } from '../../grafana-plugin/src/testing/promtool';
import { DASHBOARD_UIDS } from '../src/names';
import { DASHBOARDS_DIR } from '../src/outputs';
import { interpolate, queriesOf } from './support/dashboards';
import { ROOT } from './support/repo';

const read = (uid: string): Dashboard =>
  JSON.parse(fs.readFileSync(path.join(ROOT, DASHBOARDS_DIR, `${uid}.json`), 'utf8')) as Dashboard;
const VALUES = { job: 'shop', instance: '.*', env: '.*', __rate_interval: '5m' };
const exprOf = (uid: string, panel: string): string => {
  const q = queriesOf(read(uid)).find((x) => x.panel === panel);
  if (!q) throw new Error(`${uid} has no panel ${panel}`);
  return interpolate(q.expr, VALUES);
};

const http = (method: string, route: string, status: string) =>
  `http_server_request_duration_seconds_count{job="shop", instance="app:3000", http_request_method="${method}", http_route="${route}", http_response_status_code="${status}"}`;
const dep = (name: string, errorType?: string) =>
  `pulse_dependency_duration_seconds_count{job="shop", instance="app:3000", dependency="${name}", dependency_type="http"${errorType ? `, error_type="${errorType}"` : ''}}`;

describe('dashboards: healthy means 0 % (promtool)', () => {
  it('5xx ratio (service and per operation) is 0 where nothing answered 5xx', () => {
    promtoolTest({
      series: [
        { series: http('GET', '/users/:id', '200'), values: '0+60x20' },
        { series: http('GET', '/users/:id', '500'), values: '0+20x20' },
        { series: http('DELETE', '/users/:id', '204'), values: '0+30x20' },
      ],
      rules: { by_route: exprOf(DASHBOARD_UIDS.overview, '5xx ratio by route') },
      evalTime: '20m',
      expected: {
        by_route: [
          { labels: 'by_route{http_request_method="GET", http_route="/users/:id"}', value: 0.25 },
          { labels: 'by_route{http_request_method="DELETE", http_route="/users/:id"}', value: 0 },
        ],
      },
    });
    promtoolTest({
      series: [{ series: http('GET', '/users/:id', '200'), values: '0+60x20' }],
      rules: { service: exprOf(DASHBOARD_UIDS.overview, '5xx ratio') },
      evalTime: '20m',
      expected: { service: [{ labels: 'service', value: 0 }] },
    });
  });

  it("dependencies' failed share is 0 for a dependency that never failed", () => {
    promtoolTest({
      series: [
        { series: dep('payments'), values: '0+60x20' },
        { series: dep('payments', 'timeout'), values: '0+20x20' },
        { series: dep('stripe'), values: '0+30x20' },
      ],
      rules: { failed: exprOf(DASHBOARD_UIDS.dependencies, 'Failed share') },
      evalTime: '20m',
      expected: {
        failed: [
          { labels: 'failed{dependency="payments"}', value: 0.25 },
          { labels: 'failed{dependency="stripe"}', value: 0 },
        ],
      },
    });
  });
});
