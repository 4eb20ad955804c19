/**
 * Links from the generated dashboards into the Pulse app keep what the user selected: the time
 * range, the environment, the service and the instances (as the app's `var-…` URL keys), and a
 * per-operation series opens Route detail on its method. Read from the committed dashboard JSON,
 * interpolated the way Grafana does (`${var:queryparam}`, `${__url_time_range}`, `${__field.labels.x}`).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import fs from 'node:fs';
import path from 'node:path';
import { APP_BASE_PATH, DASHBOARD_UIDS } from '../src/names';
import { DASHBOARDS_DIR } from '../src/outputs';
import { panelsOf } from './support/dashboards';
import { ROOT } from './support/repo';

const dashboards: Dashboard[] = fs
  .readdirSync(path.join(ROOT, DASHBOARDS_DIR))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, DASHBOARDS_DIR, f), 'utf8')) as Dashboard);

/** What the user picked, and one series' labels, as Grafana holds them when it renders a link. */
const SELECTED: Record<string, string[]> = { env: ['prod'], job: ['demo'], instance: ['demo:3000', 'demo:3001'] };
const SERIES_LABELS: Record<string, string> = {
  http_route: '/users/:id',
  http_request_method: 'DELETE',
  service_name: 'payments',
};
const FROM = '1700000000000';
const TO = '1700003600000';

/** Grafana's data-link interpolation of the tokens the dashboards use. */
function grafanaInterpolate(url: string): string {
  return url.replace(/\$\{([\w.]+)(?::(\w+))?\}/g, (whole, name: string, format?: string) => {
    if (name === '__url_time_range') return `from=${FROM}&to=${TO}`;
    if (name.startsWith('__field.labels.')) {
      const v = SERIES_LABELS[name.slice('__field.labels.'.length)] ?? '';
      return format === 'percentencode' ? encodeURIComponent(v) : v;
    }
    if (name.startsWith('__data.fields.')) return 'f00dfeed';
    const values = SELECTED[name];
    if (values && format === 'queryparam') return values.map((v) => `var-${name}=${encodeURIComponent(v)}`).join('&');
    throw new Error(`unexpected token ${whole} in ${url}`);
  });
}

const appDataLinks = (d: Dashboard) =>
  panelsOf(d).flatMap((p) =>
    ((p.fieldConfig?.defaults as { links?: Array<{ url: string }> })?.links ?? [])
      .map((l) => ({ panel: p.title ?? '', url: l.url }))
      .filter((l) => l.url.startsWith(`${APP_BASE_PATH}/`)),
  );
const serviceDashboards = dashboards.filter((d) => d.uid !== DASHBOARD_UIDS.probes);

describe('links into the app keep the selection', () => {
  it.each(serviceDashboards.map((d) => [d.uid!, d] as const))(
    '%s: every data link carries the time range, env, service and instances',
    (_uid, d) => {
      for (const l of appDataLinks(d)) {
        const params = new URL(grafanaInterpolate(l.url), 'http://grafana').searchParams;
        expect({ panel: l.panel, from: params.get('from'), to: params.get('to') }).toEqual({
          panel: l.panel,
          from: FROM,
          to: TO,
        });
        expect({ panel: l.panel, env: params.getAll('var-env'), job: params.getAll('var-job') }).toEqual({
          panel: l.panel,
          env: SELECTED.env,
          job: SELECTED.job,
        });
        expect(params.getAll('var-instance')).toEqual(SELECTED.instance);
      }
    },
  );

  it('the service dashboards link into the app from their panels', () => {
    for (const uid of [DASHBOARD_UIDS.overview, DASHBOARD_UIDS.database, DASHBOARD_UIDS.errors]) {
      expect({ uid, links: appDataLinks(dashboards.find((d) => d.uid === uid)!).length > 0 }).toEqual({
        uid,
        links: true,
      });
    }
  });

  it.each(serviceDashboards.map((d) => [d.uid!, d] as const))(
    '%s: its "Open in the Pulse app" link keeps the time range and the variables (same names as the app)',
    (_uid, d) => {
      const link = (d.links ?? []).find((l) => l.type === 'link')!;
      expect(link).toMatchObject({ keepTime: true, includeVars: true });
      const names = (d.templating?.list ?? []).map((v) => v.name);
      expect(names).toEqual(expect.arrayContaining(['env', 'job', 'instance']));
    },
  );

  it('a per-operation series of the overview opens Route detail on its method', () => {
    const overview = dashboards.find((d) => d.uid === DASHBOARD_UIDS.overview)!;
    const routeLinks = appDataLinks(overview).filter((l) => l.url.includes('/routes/'));
    expect(routeLinks.length).toBeGreaterThanOrEqual(3);
    for (const l of routeLinks) {
      const url = new URL(grafanaInterpolate(l.url), 'http://grafana');
      expect(url.pathname).toBe(`${APP_BASE_PATH}/routes/${encodeURIComponent('/users/:id')}`);
      expect(url.searchParams.get('var-method')).toBe('DELETE');
    }
  });

  it("uptime probes open the Health page of the probe's own service", () => {
    const probes = dashboards.find((d) => d.uid === DASHBOARD_UIDS.probes)!;
    const links = appDataLinks(probes);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) {
      const params = new URL(grafanaInterpolate(l.url), 'http://grafana').searchParams;
      expect({ job: params.get('var-job'), from: params.get('from') }).toEqual({ job: 'payments', from: FROM });
    }
  });
});
