/**
 * The Errors dashboard's log shipping panel shows what never reached Loki and, beside it, what
 * may have: `pulse_log_events_total{outcome="unknown"}` (pushes that timed out, never confirmed).
 * Its queries, taken from the committed JSON, run as recording rules under `promtool test rules`
 * over counters as the exporter writes them (exporter/src/catalog/logs.ts outcomes and reasons).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import fs from 'node:fs';
import path from 'node:path';
import { promtoolTest } from '../../grafana-plugin/src/testing/promtool';
import { DASHBOARD_UIDS } from '../src/names';
import { DASHBOARDS_DIR } from '../src/outputs';
import { catalog } from '../src/queries';
import { interpolate, panelsOf } from './support/dashboards';
import { ROOT } from './support/repo';

const PANEL = 'Log shipping: dropped events';
const errors = JSON.parse(
  fs.readFileSync(path.join(ROOT, DASHBOARDS_DIR, `${DASHBOARD_UIDS.errors}.json`), 'utf8'),
) as Dashboard;
const targets = panelsOf(errors).find((p) => p.title === PANEL)?.targets ?? [];
const VALUES = { job: 'shop', instance: '.*', __rate_interval: '5m' };

const events = (outcome: (typeof catalog.LOG_OUTCOMES)[number], reason: string) =>
  `${catalog.pulseLogEvents.name}{job="shop", instance="app:3000", outcome="${outcome}", reason="${reason}"}`;

test('dropped and unknown (pushed, never confirmed) events are both on the panel, each by reason', () => {
  expect(targets.map((t) => t.legendFormat)).toEqual(['dropped: {{reason}}', 'unknown: {{reason}}']);
  const [dropped, unknown] = targets.map((t) => interpolate(String(t.expr), VALUES));
  promtoolTest({
    series: [
      { series: events('sent', 'ok'), values: '0+600x20' },
      { series: events('retried', 'network'), values: '0+120x20' },
      { series: events('dropped', 'buffer_full'), values: '0+60x20' },
      { series: events('unknown', 'timeout_unconfirmed'), values: '0+30x20' },
    ],
    rules: { dropped: dropped!, unknown: unknown! },
    evalTime: '20m',
    expected: {
      dropped: [{ labels: 'dropped{reason="buffer_full"}', value: 1 }],
      unknown: [{ labels: 'unknown{reason="timeout_unconfirmed"}', value: 0.5 }],
    },
  });
});
