/**
 * @jest-environment node
 */
// The app's LogQL against what the exporter really pushes: a fixture app (Pulse from its built
// package, a router module with async handlers, real PostgreSQL) ships to a Loki-shaped receiver;
// every query is parsed with Grafana's grammar (@grafana/lezer-logql) and run over the received
// entries (testing/logqlEval.ts). Covers the instance filter (issue 17 item 8), the lifecycle
// annotations (item 10) and the slow statements table (item 11).
import type { DataFrame } from '@grafana/data';
import request from 'supertest';
import { SERVICE_VERSION, eventsApp } from './testing/fixtures/eventsApp';
import type * as AppQueries from './testing/appQueries';
import { withBrowserGlobals } from './testing/browserGlobals';
import { evaluateMetric, lokiRegexOf, planLogql, selectLines } from './testing/logqlEval';

const { q, annotations, database, statements, data } = withBrowserGlobals(() => ({
  q: require('./testing/appQueries') as typeof AppQueries,
  annotations: require('./queries/annotations') as typeof import('./queries/annotations'),
  database: require('./queries/database') as typeof import('./queries/database'),
  statements: require('./pages/database/slowStatements') as typeof import('./pages/database/slowStatements'),
  data: require('@grafana/data') as typeof import('@grafana/data'),
}));

// The exporter's own Loki receiver (exporter/test/support), required untyped: its file is built for
// the exporter's compiler settings, not this workspace's.
interface ReceivedEntry {
  labels: Record<string, string>;
  metadata: Record<string, string>;
  line: string;
}
interface LokiReceiver {
  url: string;
  entries(): ReceivedEntry[];
  stop(): Promise<void>;
}
const { startLokiReceiver } = require('../../exporter/test/support/loki-receiver') as {
  startLokiReceiver(): Promise<LokiReceiver>;
};

const ROUTE = '/reports/:id';
const lokiQueries = q
  .allIssuedQueries(q.buildAllPages(undefined, { ...q.SAMPLE_PARAMS, route: ROUTE }))
  .filter((x) => x.datasource === 'loki');

let loki: LokiReceiver;
let entries: ReceivedEntry[];
/** service_instance_id as pulse_runtime_info tells Prometheus (what the hidden variable lists). */
let runtimeInfoId: string | undefined;

beforeAll(async () => {
  loki = await startLokiReceiver();
  const { app, pulse, pool } = eventsApp(loki.url);
  await request(app).get('/reports/1').expect(200);
  await request(app).get('/reports/2').expect(200);
  await request(app).delete('/reports/3').expect(204);
  await request(app).get('/boom').expect(500);
  const metrics = await pulse.renderMetrics();
  runtimeInfoId = /^pulse_runtime_info\{[^}]*service_instance_id="([^"]+)"/m.exec(metrics)?.[1];
  await pulse.shutdown();
  await pool.end();
  entries = loki.entries();
}, 30_000);
afterAll(() => loki?.stop());

/** Grafana's interpolation of the app's variables for the fixture service and the given instance ids. */
function interpolate(expr: string, ids: string[]): string {
  return q.interpolate(expr, {
    ...q.SAMPLE_VARIABLES,
    job: 'shop',
    env: '.*',
    instance_id: lokiRegexOf(ids),
    method: '.*',
  });
}

describe('the instance picker narrows the Loki panels (item 8)', () => {
  it('every line the exporter pushes names its process, the id pulse_runtime_info gives Prometheus', () => {
    expect(runtimeInfoId).toMatch(/^.+:\d+$/);
    const kinds = new Set(entries.map((e) => e.labels.event_kind));
    expect(kinds).toEqual(new Set(['lifecycle', 'slow_query', 'error']));
    for (const e of entries) {
      expect({ kind: e.labels.event_kind, id: e.metadata.service_instance_id }).toEqual({
        kind: e.labels.event_kind,
        id: runtimeInfoId,
      });
      // Structured metadata, not a stream label: one value per process would multiply the streams.
      expect(e.labels.service_instance_id).toBeUndefined();
    }
  });

  it.each(lokiQueries.map((x) => [`${x.page} › ${x.panel} › ${x.refId}`, x.expr] as const))(
    '%s keeps the selected instances and drops the others',
    (_key, expr) => {
      const mine = planLogql(interpolate(expr, [runtimeInfoId!, 'other-host:1']));
      expect(mine.errors).toEqual([]);
      const filter = mine.stages.find((s) => s.kind === 'filter' && s.matcher.name === 'service_instance_id');
      expect(filter).toBeDefined();
      const selectedHere = selectLines(mine, entries).length;
      const unfiltered = selectLines({ ...mine, stages: mine.stages.filter((s) => s !== filter) }, entries).length;
      expect(selectedHere).toBe(unfiltered);
      expect(selectLines(planLogql(interpolate(expr, ['other-host:1'])), entries)).toEqual([]);
    }
  );

  it('the errors, slow query and lifecycle panels find the pushed events of the selected instance', () => {
    const found = (panel: string) =>
      lokiQueries
        .filter((x) => x.panel === panel)
        .map((x) => selectLines(planLogql(interpolate(x.expr, [runtimeInfoId!])), entries).length);
    expect(found('Recent errors')).toEqual([1]);
    expect(found('Slow query events')).toEqual([3, 3]); // Overview and Database
    expect(found('Lifecycle events (starts and stops)')).toEqual([2]);
  });
});

describe('deploys and restarts as annotations (item 10)', () => {
  const layers = annotations.lifecycleAnnotations();

  it('each annotation query parses and names what its title, text and tags read', () => {
    for (const a of layers) {
      const plan = planLogql(interpolate(a.expr, [runtimeInfoId!]));
      expect({ name: a.name, errors: plan.errors }).toEqual({ name: a.name, errors: [] });
    }
  });

  it('starts and graceful stops are "Deploys and restarts", with process, phase, reason and Node.js version', () => {
    const deploys = layers.find((a) => a.name === 'Deploys and restarts')!;
    const lines = selectLines(planLogql(interpolate(deploys.expr, [runtimeInfoId!])), entries);
    expect(lines.map((l) => [l.labels.lifecycle_phase, l.labels.lifecycle_reason ?? ''])).toEqual([
      ['start', ''],
      ['stop', 'shutdown'],
    ]);
    const templated = [deploys.titleFormat, deploys.textFormat, ...deploys.tagKeys.split(',').map((k) => `{{${k}}}`)]
      .join(' ')
      .matchAll(/\{\{(\w+)\}\}/g);
    for (const [, label] of templated) {
      // Starts have no reason: the template renders it empty.
      if (label === 'lifecycle_reason') {
        continue;
      }
      for (const l of lines) {
        expect({ label, value: l.labels[label] }).toEqual({ label, value: expect.stringMatching(/.+/) });
      }
    }
    expect(lines[0]!.labels.node_version).toBe(process.version);
    expect(lines[0]!.labels.service_instance_id).toBe(runtimeInfoId);
  });

  /** Title and text as Grafana's Loki data source renders them (renderLegendFormat over the line's labels). */
  const rendered = (a: (typeof layers)[number], from: ReceivedEntry[]) =>
    selectLines(planLogql(interpolate(a.expr, [runtimeInfoId!])), from).map((l) => [
      data.renderLegendFormat(a.titleFormat, l.labels),
      data.renderLegendFormat(a.textFormat, l.labels),
    ]);
  const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const textOf = (version: string) =>
    expect.stringMatching(
      new RegExp(`^${escapeRe(`${runtimeInfoId} · ${version}Node.js ${process.version} · up `)}\\d+(\\.\\d+)? s$`)
    );

  it('Grafana shows each deploy marker with its version: "start 1.4.2…", "stop 1.4.2… (shutdown)"', () => {
    const deploys = layers.find((a) => a.name === 'Deploys and restarts')!;
    expect(rendered(deploys, entries)).toEqual([
      [`start ${SERVICE_VERSION}`, textOf(`version ${SERVICE_VERSION} · `)],
      [`stop ${SERVICE_VERSION} (shutdown)`, textOf(`version ${SERVICE_VERSION} · `)],
    ]);
  });

  it('without a known version the markers read "start" and "stop (shutdown)", never a bare label name', () => {
    const deploys = layers.find((a) => a.name === 'Deploys and restarts')!;
    const unversioned = entries.map((e) => {
      const line = JSON.parse(e.line) as Record<string, unknown>;
      delete line.service_version;
      return { ...e, line: JSON.stringify(line) };
    });
    const shown = rendered(deploys, unversioned);
    expect(shown).toEqual([
      ['start', textOf('')],
      ['stop (shutdown)', textOf('')],
    ]);
    // Grafana prints a missing label as its name: none may reach the title or text.
    expect(shown.flat().join(' ')).not.toMatch(/lifecycle_|service_version|node_version|uptime_seconds/);
  });

  it('a graceful stop is not a crash', () => {
    const crashes = layers.find((a) => a.name === 'Crashes')!;
    const plan = planLogql(interpolate(crashes.expr, [runtimeInfoId!]));
    expect(selectLines(plan, entries)).toEqual([]);
    // The same query finds a crash stop of the same process (exporter/test/logs/process-lifecycle.test.ts
    // pushes real ones): the stop line with its reason changed, as Loki would store it.
    const stop = entries.find((e) => e.metadata.lifecycle_phase === 'stop')!;
    const crash = { ...stop, metadata: { ...stop.metadata, lifecycle_reason: 'crash' } };
    expect(selectLines(plan, [crash])).toHaveLength(1);
    expect(rendered(crashes, [crash])).toEqual([[`crash ${SERVICE_VERSION}`, textOf(`version ${SERVICE_VERSION} · `)]]);
  });
});

describe('slow queries as SQL (item 11)', () => {
  const [count, slowest] = database.databaseQueries.slowStatements();

  it('both queries parse and read fields the slow-query events have', () => {
    const events = entries.filter((e) => e.labels.event_kind === 'slow_query');
    expect(events).toHaveLength(3);
    for (const t of [count!, slowest!]) {
      const plan = planLogql(interpolate(t.expr, [runtimeInfoId!]));
      expect(plan.errors).toEqual([]);
      const json = plan.stages.find((s) => s.kind === 'json');
      expect(json?.kind === 'json' && json.extract).toBeTruthy();
      for (const field of Object.values(json?.kind === 'json' ? json.extract! : {})) {
        for (const e of events) {
          expect({ field, present: field in (JSON.parse(e.line) as object) }).toEqual({ field, present: true });
        }
      }
    }
  });

  it('lists each normalised statement with its caller file:line, route, count and slowest run', () => {
    const frames: DataFrame[] = [count!, slowest!].flatMap((t) =>
      evaluateMetric(planLogql(interpolate(t.expr, [runtimeInfoId!])), entries).map((s) =>
        data.createDataFrame({
          refId: t.refId,
          fields: [
            { name: 'Time', type: data.FieldType.time, values: [Date.now()] },
            { name: 'Value', type: data.FieldType.number, values: [s.value], labels: s.labels },
          ],
        })
      )
    );
    const table = statements.slowStatementRows(frames);
    const col = (name: string) => table.fields.find((f) => f.name === name)!.values;
    const C = statements.SLOW_STATEMENT_COLUMNS;
    expect(table.length).toBe(2);
    const texts = col(C.statement) as string[];
    // Normalised: literals and placeholders are `?` (0.12 and 'deleted' never leave the process).
    expect(texts).toEqual(['SELECT pg_sleep(?), ?::int AS id', 'SELECT pg_sleep(?), ? AS state, ?::int AS id']);
    expect(texts.join(' ')).not.toMatch(/0\.12|0\.2|deleted/);
    expect(col(C.count)).toEqual([2, 1]);
    expect((col(C.slowest) as number[])[0]).toBeGreaterThanOrEqual(120);
    expect((col(C.slowest) as number[])[1]).toBeGreaterThanOrEqual(200);
    expect(col(C.route)).toEqual([ROUTE, ROUTE]);
    for (const caller of col(C.caller) as string[]) {
      expect(caller).toMatch(/testing\/fixtures\/reportsRouter\.ts:\d+$/);
    }
    expect(new Set(col(C.caller)).size).toBe(2);
  });
});
