/**
 * Every LogQL query Pulse ships (src/queries/logql.ts) is parsed with @grafana/lezer-logql — no
 * syntax error nodes — and checked against what a Loki receiver actually got from a real app:
 * every stream selector label, label filter and `by (…)` name exists in the received labels or
 * structured metadata (or JSON fields after `| json`), and evaluating selector + filters over the
 * received entries finds the events the query is meant to find.
 */
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import express from 'express';
import pg from 'pg';
import request from 'supertest';
import type { LogScope } from '../../src/queries/logql';
import { GRAFANA_AUTO_RANGE, logqlQueries as q } from '../../src/queries/logql';
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver, ReceivedEntry } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { pulseShippingTo } from './helpers';

/** What Grafana substitutes before Loki sees a dashboard query. */
const GRAFANA_VARIABLES: Record<string, string> = { $service: 'pulse-test', $env: 'test', [GRAFANA_AUTO_RANGE]: '1m' };
const interpolate = (query: string): string => query.replace(/\$__auto|\$service|\$env/g, (v) => GRAFANA_VARIABLES[v]!);

interface Matcher {
  name: string;
  op: string;
  value: string;
}
interface Analysis {
  errors: number[];
  selector: Matcher[];
  /** Label filters in pipeline order; `afterJson` when a `| json` stage precedes them. */
  filters: (Matcher & { afterJson: boolean; numeric: boolean })[];
  grouping: string[];
}

const text = (query: string, node: SyntaxNode): string => query.slice(node.from, node.to);
const unquote = (s: string): string => JSON.parse(s) as string;

function analyse(query: string): Analysis {
  const tree = parser.parse(query);
  const out: Analysis = { errors: [], selector: [], filters: [], grouping: [] };
  let afterJson = false;
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (ref.type.isError) out.errors.push(ref.from);
      if (ref.name === 'LabelParser' && text(query, node).trim() === 'json') afterJson = true;
      if (ref.name === 'Grouping') {
        for (const id of node.getChildren('Labels').flatMap(function all(l: SyntaxNode): SyntaxNode[] {
          return [...l.getChildren('Identifier'), ...l.getChildren('Labels').flatMap(all)];
        }))
          out.grouping.push(text(query, id));
      }
      if (ref.name === 'Matcher' || ref.name === 'NumberFilter') {
        const [id, op, value] = [node.firstChild!, node.firstChild!.nextSibling!, node.lastChild!];
        const m = {
          name: text(query, id),
          op: op.name,
          value: ref.name === 'Matcher' ? unquote(text(query, value)) : text(query, value),
        };
        if (node.parent?.name === 'Matchers') out.selector.push(m);
        else out.filters.push({ ...m, afterJson, numeric: ref.name === 'NumberFilter' });
      }
    },
  });
  return out;
}

function matches(m: Matcher, actual: string | undefined): boolean {
  const v = actual ?? '';
  switch (m.op) {
    case 'Eq':
      return v === m.value;
    case 'Neq':
      return v !== m.value;
    case 'Re':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case 'Nre':
      return !new RegExp(`^(?:${m.value})$`).test(v);
    case 'Gte':
      return Number(v) >= Number(m.value);
    case 'Gtr':
      return Number(v) > Number(m.value);
    case 'Lss':
      return Number(v) < Number(m.value);
    case 'Lte':
      return Number(v) <= Number(m.value);
    default:
      throw new Error(`operator ${m.op} not handled by this test`);
  }
}

/** Loki's evaluation of selector + label filters over the received entries (label filters see metadata, and JSON fields after `| json`). */
function select(a: Analysis, entries: ReceivedEntry[]): ReceivedEntry[] {
  return entries.filter((e) => {
    if (!a.selector.every((m) => matches(m, e.labels[m.name]))) return false;
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(e.line) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return a.filters.every((f) => {
      const fromJson =
        f.afterJson && json[f.name] !== undefined && typeof json[f.name] !== 'object'
          ? String(json[f.name])
          : undefined;
      return matches(f, e.labels[f.name] ?? e.metadata[f.name] ?? fromJson);
    });
  });
}

const T = `pulse_logql_${process.pid}_${Date.now() % 100000}`;
let loki: LokiReceiver;
let pulse: Pulse;
let pool: pg.Pool;
let errorTraceId: string;
let entries: ReceivedEntry[];

beforeAll(async () => {
  loki = await startLokiReceiver();
  pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
  await pool.query(`CREATE TABLE ${T} (id int PRIMARY KEY)`);
  await pool.query(`INSERT INTO ${T} SELECT generate_series(1, 6)`);
  pulse = pulseShippingTo(loki, {
    logs: { lifecycleEvents: true },
    errors: { slowRequestSeconds: 0.4 },
    db: { pg: true, slowQueries: { thresholdMs: 300 }, nPlusOne: { threshold: 3 } },
  });
  const app = express();
  app.use(pulse.middleware());
  app.get('/orders/:id', (req, _res, next) => {
    pulse.logger.info({ order: req.params.id }, 'loading order');
    next(Object.assign(new Error(`order ${req.params.id} not found`), { status: 404 }));
  });
  app.get('/report', async (_req, res) => {
    for (let i = 1; i <= 5; i++) await pool.query(`SELECT id FROM ${T} WHERE id = $1`, [i]);
    await pool.query('SELECT pg_sleep(0.5)');
    pulse.capture({ type: 'report.generated', tags: { plan: 'pro' } });
    res.json('ok');
  });
  app.use(pulse.errorHandler());
  app.use(
    (_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
      void res.status(404).end(),
  );
  errorTraceId = (await request(app).get('/orders/17')).headers['x-trace-id'] as string;
  await request(app).get('/orders/18');
  await request(app).get('/report').expect(200);
  await pulse.shutdown();
  entries = loki.entries();
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${T}`);
  await pool.end();
  await loki.stop();
});

const scope: LogScope = { service: '$service', env: '$env' };
const received = (kind: string) => entries.filter((e) => e.labels.event_kind === kind);

const firstError = () => received('error')[0]!;

/** Each shipped query, with arguments taken from the data (built once the data is in), and how many entries its log part must select (undefined: names only). */
const CASES: Record<string, () => [string, number | undefined]> = {
  errorEvents: () => [q.errorEvents(scope), 2],
  'errorEvents by group': () => [
    q.errorEvents(scope, {
      fingerprint: firstError().metadata.fingerprint!,
      errorType: 'not_found',
      route: '/orders/:id',
    }),
    2,
  ],
  'errorEvents by trace': () => [q.errorEvents(scope, { traceId: errorTraceId }), 1],
  errorCountByFingerprint: () => [q.errorCountByFingerprint(scope), 2],
  'errorCountByFingerprint by route': () => [
    q.errorCountByFingerprint(scope, GRAFANA_AUTO_RANGE, { errorType: { regex: '.*' } }, ['http_route']),
    2,
  ],
  topErrorGroups: () => [q.topErrorGroups(scope, '1h', 5), 2],
  errorRateByTypeAndRoute: () => [q.errorRateByTypeAndRoute(scope), 2],
  slowRequests: () => [q.slowRequests(scope, { route: '/report', minSeconds: 0.4 }), 1],
  slowRequestCountByRoute: () => [q.slowRequestCountByRoute(scope), received('slow_request').length],
  slowQueries: () => [q.slowQueries(scope, { route: '/report' }), 1],
  nPlusOneFindings: () => [q.nPlusOneFindings(scope, { route: '/report' }), 1],
  nPlusOneCountByRoute: () => [q.nPlusOneCountByRoute(scope), received('n_plus_one').length],
  traceLogs: () => [q.traceLogs(scope, errorTraceId), 2], // the app's log line and the error
  customEvents: () => [q.customEvents(scope, { type: 'report.generated', tags: { plan: 'pro' } }), 1],
  customEventCountByType: () => [q.customEventCountByType(scope), 1],
  logVolumeByLevel: () => [q.logVolumeByLevel(scope), entries.length],
  eventVolumeByKind: () => [q.eventVolumeByKind(scope), entries.length],
  lifecycleEvents: () => [q.lifecycleEvents(scope), 2],
  gracefulStops: () => [q.gracefulStops(scope), 1],
  // No process crashed here (test/logs/process-lifecycle.test.ts covers crashes): names only.
  crashes: () => [q.crashes(scope), undefined],
};

test('the test data holds every event kind the queries are about', () => {
  expect(new Set(entries.map((e) => e.labels.event_kind))).toEqual(
    new Set(['lifecycle', 'log', 'error', 'slow_request', 'slow_query', 'n_plus_one', 'custom']),
  );
});

test('every builder in the query module is covered here', () => {
  const covered = new Set(Object.keys(CASES).map((name) => name.split(' ')[0]));
  expect([...Object.keys(q)].filter((name) => !covered.has(name))).toEqual([]);
});

test.each(Object.keys(CASES))('%s', (name) => {
  const [query, expected] = CASES[name]!();
  const concrete = interpolate(query);
  const a = analyse(concrete);
  expect({ query: concrete, syntaxErrors: a.errors }).toEqual({ query: concrete, syntaxErrors: [] });

  // Selector: only stream labels Pulse sets, matching streams Loki actually has.
  const labelNames = new Set(entries.flatMap((e) => Object.keys(e.labels)));
  for (const m of a.selector)
    expect({ label: m.name, isStreamLabel: labelNames.has(m.name) }).toEqual({ label: m.name, isStreamLabel: true });
  const selected = select({ ...a, filters: [] }, entries);
  expect(selected.length).toBeGreaterThan(0);

  // Filters and groupings: names present on the selected entries (metadata, or JSON after `| json`).
  const available = new Set(selected.flatMap((e) => [...Object.keys(e.metadata), ...Object.keys(e.labels)]));
  const jsonFields = new Set(selected.flatMap((e) => Object.keys(JSON.parse(e.line) as object)));
  for (const f of a.filters) {
    const known = available.has(f.name) || (f.afterJson && jsonFields.has(f.name));
    expect({ filter: f.name, known }).toEqual({ filter: f.name, known: true });
  }
  for (const g of a.grouping) expect({ groupBy: g, known: available.has(g) }).toEqual({ groupBy: g, known: true });

  if (expected !== undefined) expect(select(a, entries)).toHaveLength(expected);
});

test('label values are escaped into valid LogQL strings', () => {
  const query = q.errorEvents({ service: 'api' }, { route: '/files/"quoted"\\path' });
  expect(analyse(query).errors).toEqual([]);
  expect(analyse(query).filters[0]!.value).toBe('/files/"quoted"\\path');
});
