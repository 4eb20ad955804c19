/**
 * The instance picker narrows the dashboards' Loki panels too (issue 17 item 8). Loki's events name
 * their process (`service_instance_id`), not Prometheus's `instance`: a dashboard with an instance
 * picker and Loki panels has a hidden `instance_id` variable listing pulse_runtime_info's ids for
 * the picked env, services and instances, and every Loki target filters on it. Checked over the
 * committed JSON and what a real app pushes (test/fixtures/ordersApp: the built exporter, a router
 * module, async handlers, real PostgreSQL): every query parses with @grafana/lezer-logql and, run
 * over the received entries (the app's LogQL evaluator), keeps the picked process's events and
 * drops another's.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { lokiRegexOf, planLogql, selectLines } from '../../grafana-plugin/src/testing/logqlEval';
import { startLokiReceiver, type LokiReceiver } from '../../exporter/test/support/loki-receiver';
import type { ReceivedEntry } from '../../exporter/test/support/loki-receiver';
import { DASHBOARD_UIDS } from '../src/names';
import { DASHBOARDS_DIR } from '../src/outputs';
import { catalog } from '../src/queries';
import { interpolate, queriesOf } from './support/dashboards';
import { ordersApp } from './fixtures/ordersApp';
import { ROOT } from './support/repo';

const dashboards: Dashboard[] = fs
  .readdirSync(path.join(ROOT, DASHBOARDS_DIR))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, DASHBOARDS_DIR, f), 'utf8')) as Dashboard);

const variablesOf = (d: Dashboard) => d.templating?.list ?? [];
const withPickerAndLogs = dashboards.filter(
  (d) => variablesOf(d).some((v) => v.name === 'instance') && queriesOf(d).some((q) => q.source === 'loki'),
);
const lokiTargets = withPickerAndLogs.flatMap((d) => queriesOf(d).filter((q) => q.source === 'loki'));

let loki: LokiReceiver;
let entries: ReceivedEntry[];
/** The app's process id as pulse_runtime_info tells Prometheus (what the hidden variable lists). */
let runtimeInfoId: string | undefined;

beforeAll(async () => {
  loki = await startLokiReceiver();
  const { app, pulse, pool } = ordersApp(loki.url);
  await request(app).get('/orders/1').expect(200);
  await request(app).get('/orders/2/fail').expect(500);
  pulse.capture({ type: 'order.placed', tags: { plan: 'pro' } });
  pulse.logger.warn('stock low');
  runtimeInfoId = /^pulse_runtime_info\{[^}]*service_instance_id="([^"]+)"/m.exec(await pulse.renderMetrics())?.[1];
  await pulse.shutdown();
  await pool.end();
  entries = loki.entries();
}, 30_000);
afterAll(() => loki?.stop());

/** Grafana's interpolation for the fixture service, with the hidden variable holding `ids`. */
const concrete = (expr: string, ids: string[]) =>
  interpolate(expr, {
    job: 'orders',
    instance_id: lokiRegexOf(ids),
    __range: '1h',
    __auto: '1m',
    __interval: '15s',
    __rate_interval: '1m',
  });

test('the dashboards with an instance picker and Loki panels are Database, Errors and Runtime', () => {
  expect(withPickerAndLogs.map((d) => d.uid).sort()).toEqual(
    [DASHBOARD_UIDS.database, DASHBOARD_UIDS.errors, DASHBOARD_UIDS.runtime].sort(),
  );
});

test.each(withPickerAndLogs.map((d) => [d.uid!, d] as const))(
  '%s: a hidden instance_id variable lists the picked instances’ process ids from pulse_runtime_info',
  (_uid, d) => {
    const v = variablesOf(d).find((x) => x.name === 'instance_id');
    expect(v).toMatchObject({ type: 'query', hide: 2, multi: true, includeAll: true });
    const query = String(v!.query);
    const m = /^label_values\((\w+)\{(.*)\}, (\w+)\)$/.exec(query);
    expect(m).not.toBeNull();
    const [, metric, selector, label] = m!;
    expect(metric).toBe(catalog.pulseRuntimeInfo.name);
    // The id label is one pulse_runtime_info has, and the one Loki lines carry as metadata.
    expect(catalog.pulseRuntimeInfo.labelNames).toContain(label);
    expect(label).toBe(catalog.LOG_METADATA.instance);
    // Narrowed by every picker above it.
    expect(selector!.split(', ').sort()).toEqual(['env=~"$env"', 'instance=~"$instance"', 'job=~"$job"']);
  },
);

test('the fixture app pushed every kind the panels read, each line naming the process pulse_runtime_info names', () => {
  expect(runtimeInfoId).toMatch(/^.+:\d+$/);
  expect(new Set(entries.map((e) => e.labels.event_kind))).toEqual(
    new Set(['lifecycle', 'slow_query', 'n_plus_one', 'slow_request', 'error', 'custom', 'log']),
  );
  for (const e of entries) expect(e.metadata.service_instance_id).toBe(runtimeInfoId);
});

test.each(lokiTargets.map((q) => [`${q.dashboard} › ${q.panel}`, q.expr] as const))(
  '%s filters on the picked instances: keeps their events, drops another process’s',
  (_key, expr) => {
    const picked = planLogql(concrete(expr, [runtimeInfoId!, 'other-host:1']));
    expect(picked.errors).toEqual([]);
    const filter = picked.stages.find((s) => s.kind === 'filter' && s.matcher.name === catalog.LOG_METADATA.instance);
    expect(filter).toMatchObject({ matcher: { op: 'Re' } });
    // The hidden variable, not a literal: the picker drives it.
    expect(expr).toContain(`${catalog.LOG_METADATA.instance}=~"$instance_id"`);
    const unfiltered = selectLines({ ...picked, stages: picked.stages.filter((s) => s !== filter) }, entries);
    expect(selectLines(picked, entries).length).toBe(unfiltered.length);
    expect(selectLines(planLogql(concrete(expr, ['other-host:1'])), entries)).toEqual([]);
  },
);

test('the panels find the fixture’s events when its instance is picked (the check is not vacuous)', () => {
  const found = lokiTargets.filter(
    (q) => selectLines(planLogql(concrete(q.expr, [runtimeInfoId!])), entries).length > 0,
  );
  // Every target reads a kind the fixture pushed.
  expect(found.map((q) => `${q.dashboard} › ${q.panel}`)).toEqual(
    lokiTargets.map((q) => `${q.dashboard} › ${q.panel}`),
  );
});
