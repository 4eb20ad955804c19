/**
 * @jest-environment node
 */
// Every PromQL expression the app can send — each panel of each page and drill-down, the
// empty-state probes, the variables' series selectors — reads the same in Prometheus 2.42 and 3.x,
// by the check the alert rules and dashboards pass (alerting-rules/test/prometheus3-check.ts,
// docs/alerts.md "Prometheus 2 and 3"), and parses in promtool 2.42.
import { GRAFANA_RANGES, prometheus3Problems, promtoolCheck } from '../../alerting-rules/test/prometheus3-check';
import { databaseProbe } from './queries/database';
import { dependenciesProbe } from './queries/dependencies';
import { errorsProbe } from './queries/errors';
import { healthProbe } from './queries/health';
import { overviewProbes } from './queries/overview';
import { runtimeProbes } from './queries/runtime';
import { variableQueries } from './queries/variables';
import type * as AppQueries from './testing/appQueries';
import { withBrowserGlobals } from './testing/browserGlobals';

// The scenes are built under a private DOM; promtool runs in plain Node.
const { allIssuedQueries, interpolate, SAMPLE_VARIABLES } = withBrowserGlobals(
  () => require('./testing/appQueries') as typeof AppQueries
);

/** Grafana's range variables at their narrowest (what the check's range rule must hold for); the rest as sampled. */
const VARIABLES: Record<string, string> = {
  ...SAMPLE_VARIABLES,
  ...Object.fromEntries(Object.entries(GRAFANA_RANGES).map(([k, v]) => [k.replace(/^\$/, ''), v])),
};

type Named = [string, string];

const panels: Named[] = allIssuedQueries()
  .filter((q) => q.datasource === 'prometheus')
  .map((q) => [`${q.page} › ${q.panel} › ${q.refId}`, q.expr]);
const probes: Named[] = Object.entries({
  ...overviewProbes,
  ...runtimeProbes,
  database: databaseProbe,
  dependencies: dependenciesProbe,
  errors: errorsProbe,
  health: healthProbe,
}).map(([name, p]) => [`probe ${name}`, p.expr]);
const selectors: Named[] = Object.entries(variableQueries).map(([name, q]) => [`variable ${name}`, q.seriesSelector]);
const all: Named[] = [...panels, ...probes, ...selectors].map(([name, expr]) => [name, interpolate(expr, VARIABLES)]);

describe('the app\u2019s PromQL reads the same in Prometheus 2.42 and 3.x', () => {
  it('collects every page, probe and variable query', () => {
    expect(panels.length).toBeGreaterThan(50);
    expect(probes.length).toBeGreaterThan(5);
    expect(selectors.length).toBe(Object.keys(variableQueries).length);
  });

  it.each(all)('%s', (_name, expr) => {
    expect(prometheus3Problems(expr)).toEqual([]);
  });

  it('every expression also parses in promtool 2.42', async () => {
    const verdict = await promtoolCheck(all.map(([, expr]) => expr));
    expect(verdict).toEqual({ ok: true, output: expect.any(String) });
  }, 60_000);

  it('the check can fail: a rate interval Grafana would not give, a 3.x spelling of a bucket', () => {
    const narrow = interpolate('sum(rate(up[$__rate_interval]))', { ...VARIABLES, __rate_interval: '30s' });
    expect(prometheus3Problems(narrow).join()).toContain('left-open');
    expect(prometheus3Problems('sum(rate(http_server_request_duration_seconds_bucket{le="1"}[5m]))')).not.toEqual([]);
  });
});
