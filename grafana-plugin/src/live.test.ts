/**
 * @jest-environment node
 */
// Every PromQL expression the app can issue, run against a real Prometheus that scraped the real
// exporter (the demo API and payments service under traffic: demo/test/live-stack.ts). Each must
// parse and evaluate; the key ones must return data; latency exemplars must carry trace ids.
import { startLiveStack, type LiveStack } from '../../demo/test/live-stack';
import { overviewProbes } from './queries/overview';
import { runtimeProbes } from './queries/runtime';
import { databaseProbe } from './queries/database';
import { dependenciesProbe } from './queries/dependencies';
import { errorsProbe } from './queries/errors';
import { healthProbe } from './queries/health';
import { variableQueries } from './queries/variables';
import type * as AppQueries from './testing/appQueries';
import { withBrowserGlobals } from './testing/browserGlobals';
import { LABELS } from './queries/labels';

// The live stack's documented N+1 route: it runs database queries, so Route detail has data everywhere.
const ROUTE = '/api/v1/posts/feed';

// The scenes are built under a private DOM, then the test runs in plain Node (servers, timers).
const { allIssuedQueries, buildAllPages, interpolate, SAMPLE_PARAMS, SAMPLE_VARIABLES } = withBrowserGlobals(
  () => require('./testing/appQueries') as typeof AppQueries
);
type IssuedQuery = AppQueries.IssuedQuery;
const VARIABLES = { ...SAMPLE_VARIABLES, __range: '5m', __rate_interval: '1m', job: 'demo' };
const queries = allIssuedQueries(buildAllPages(undefined, { ...SAMPLE_PARAMS, route: ROUTE })).filter(
  (q) => q.datasource === 'prometheus'
);
const key = (q: IssuedQuery) => `${q.page} › ${q.panel} › ${q.refId}`;

/**
 * Queries that must return data for the demo. Left out on purpose: trends (need the previous
 * range, older than the stack), request body size (the feed is a GET), leak findings (0 until the
 * leak window is full — the series exists but we do not insist).
 */
const MUST_HAVE_DATA = [
  'overview › Health › health',
  'overview › Instances › up',
  'overview › Request rate › rate',
  'overview › Error ratio (5xx) › errors',
  'overview › p95 latency (range) › p95',
  'overview › Latency › p50',
  'overview › Latency › p95',
  'overview › Latency › p99',
  'overview › Event loop delay (p99) › eld',
  'overview › Heap used / limit › heap',
  'overview › Top routes by traffic › traffic',
  'overview › Slowest routes (p95) › slowest',
  'overview › Most failing routes (5xx) › failing',
  'overview › Slow queries › slowq',
  'overview › N+1 findings › n1',
  'routes › Routes › rate',
  'routes › Routes › errors',
  'routes › Routes › p50',
  'routes › Routes › p95',
  'routes › Routes › p99',
  'routes › Routes › requests',
  'routes/:route/* › Request rate › rate',
  'routes/:route/* › Latency percentiles › p95',
  'routes/:route/* › Status codes › status',
  'routes/:route/* › Body sizes (p95) › res',
  'routes/:route/* › Queries this route runs › qps',
  'routes/:route/* › Queries this route runs › time',
  'routes/:route/* › Queries per request › perRequest',
  'routes/:route/* › N+1 findings › n1',
  'runtime › Instances › info',
  'runtime › Event loop delay › p99',
  'runtime › Event loop utilization › elu',
  'runtime › CPU (cores) › cpu',
  'runtime › Heap › used',
  'runtime › Heap › limit',
  'runtime › Heap spaces (used) › spaces',
  'runtime › Memory › rss',
  'runtime › GC pauses/s › gcRate',
  'runtime › Handles and resources › handles',
  'runtime › File descriptors › open',
  // Database, Errors, Health and Dependencies pages.
  'database › Operation latency (p95) by table and operation › p95',
  'database › Operations by table and operation › ops',
  'database › Operations › rate',
  'database › Operations › errors',
  'database › Operations › p95',
  'database › Slowest query patterns › p99',
  'database › Slowest query patterns › slow',
  'database › N+1 findings › n1',
  'database › Queries per request › qpr',
  'database › Pool usage (used / max) › pool',
  'database › Pending connection requests › pending',
  'database › Errors by error_type › errors',
  'errors › Errors by type › bytype',
  'errors › Errors by route › byroute',
  'health › Composite status (worst instance) › worst',
  'health › Flapping checks › flapping',
  'health › Targets › up',
  'health › Targets › seen',
  'health › Composite status per instance › composite',
  'health › Targets up › up',
  'health › Checks › status',
  'health › Checks › latency',
  'health › Checks › flapping',
  'health › Check history › history',
  'health › Check latency › latency',
  'dependencies › Service map › service',
  'dependencies › Service map › rate',
  'dependencies › Service map › errors',
  'dependencies › Service map › p95',
  'dependencies › Dependencies › rate',
  'dependencies › Dependencies › errors',
  'dependencies › Dependencies › availability',
  'dependencies › Dependencies › p95',
  'dependencies › Calls by dependency › rate',
  'dependencies › Error ratio by dependency › errors',
  'dependencies › Latency p95 by dependency › p95',
  'dependencies › Failures by dependency and error type › etype',
  'dependencies › Outgoing HTTP by server and status › http',
  // Services page: every service's RED and the calls between them (demo → payments).
  'services › Services › rate',
  'services › Services › errors',
  'services › Services › p95',
  'services › Services › instances',
  'services › Service map › rate',
  'services › Service map › errors',
  'services › Service map › depRate',
  'services › Service map › depErrors',
  'services › Service map › hosts',
];

let stack: LiveStack;
const results = new Map<string, number>();

beforeAll(async () => {
  stack = await startLiveStack();
}, 90_000);
afterAll(() => stack?.stop());

describe('every PromQL expression of every page, on real Prometheus', () => {
  it('the key list names queries that exist (it cannot silently drift)', () => {
    const all = new Set(queries.map(key));
    expect(MUST_HAVE_DATA.filter((k) => !all.has(k))).toEqual([]);
  });

  it.each(queries.map((q) => [key(q), q] as const))('%s parses and evaluates', async (_k, q) => {
    const expr = interpolate(q.expr, VARIABLES);
    await expect(stack.prom.formatQuery(expr)).resolves.toEqual(expect.any(String));
    const now = Date.now() / 1000;
    const series = q.instant ? await stack.prom.query(expr) : await stack.prom.queryRange(expr, now - 120, now, 5);
    results.set(key(q), series.length);
  });

  it('the key queries return data', () => {
    expect(MUST_HAVE_DATA.filter((k) => !results.get(k))).toEqual([]);
  });

  it('the routes table lists the drill-down route with traffic', async () => {
    const rate = queries.find((q) => key(q) === 'routes › Routes › rate')!;
    const rows = await stack.prom.query(interpolate(rate.expr, VARIABLES));
    expect(rows.map((r) => r.metric[LABELS.route])).toContain(ROUTE);
  });

  it('the routes table has one row per operation: a route answered with two methods is two rows', async () => {
    const rate = queries.find((q) => key(q) === 'routes › Routes › rate')!;
    const rows = await stack.prom.query(interpolate(rate.expr, VARIABLES));
    const methodsByRoute = new Map<string, Set<string>>();
    for (const r of rows) {
      expect(r.metric[LABELS.method]).toMatch(/^[A-Z]+$/);
      const route = r.metric[LABELS.route]!;
      methodsByRoute.set(route, new Set([...(methodsByRoute.get(route) ?? []), r.metric[LABELS.method]!]));
    }
    // The demo's users router answers GET and POST /api/v1/users.
    expect([...(methodsByRoute.get('/api/v1/users') ?? [])].sort()).toEqual(['GET', 'POST']);
    expect(rows.length).toBe([...methodsByRoute.values()].reduce((n, m) => n + m.size, 0));
  });

  it('the route filter narrows the table, ignoring case', async () => {
    const rate = queries.find((q) => key(q) === 'routes › Routes › rate')!;
    const all = await stack.prom.query(interpolate(rate.expr, VARIABLES));
    const rows = await stack.prom.query(interpolate(rate.expr, { ...VARIABLES, search: 'posts/FEED' }));
    expect(rows.map((r) => r.metric[LABELS.route])).toEqual([ROUTE]);
    expect(all.length).toBeGreaterThan(rows.length);
  });

  it('latency exemplars carry the trace id the Loki link uses', async () => {
    const exemplarQueries = queries.filter((q) => q.exemplar);
    expect(exemplarQueries.length).toBeGreaterThan(0);
    const now = Date.now() / 1000;
    for (const q of exemplarQueries) {
      const found = await stack.prom.queryExemplars(interpolate(q.expr, VARIABLES), now - 600, now);
      const traceIds = found.flatMap((s) => s.exemplars.map((e) => e.labels[LABELS.traceId]));
      expect({ query: key(q), withTraceId: traceIds.filter(Boolean).length > 0 }).toEqual({
        query: key(q),
        withTraceId: true,
      });
    }
  });
});

describe('variables and empty states on real Prometheus', () => {
  it('env, service and instance variables list the stack', async () => {
    const values = async (q: { seriesSelector: string; label: string }) =>
      new Set((await stack.prom.query(interpolate(q.seriesSelector, VARIABLES))).map((s) => s.metric[q.label]));
    expect((await values(variableQueries.env)).size).toBeGreaterThan(0);
    expect([...(await values(variableQueries.service))].sort()).toEqual(expect.arrayContaining(['demo', 'payments']));
    expect([...(await values(variableQueries.instance))].length).toBe(1);
  });

  const probes = {
    ...overviewProbes,
    ...runtimeProbes,
    database: databaseProbe,
    errors: errorsProbe,
    health: healthProbe,
    dependencies: dependenciesProbe,
  };
  it.each(Object.entries(probes))(
    'the %s banner stays hidden for the demo and shows for a silent service',
    async (_n, probe) => {
      expect((await stack.prom.query(interpolate(probe.expr, VARIABLES))).length).toBeGreaterThan(0);
      expect(await stack.prom.query(interpolate(probe.expr, { ...VARIABLES, job: 'no-such-service' }))).toEqual([]);
    }
  );
});

describe('Dependencies and Health page logic on the live data', () => {
  // Instant vectors as the time-series frames Grafana hands to the page (labels on the value field).
  const { toFrames, graph, targets, services, servicesTable } = withBrowserGlobals(() => {
    const data = require('@grafana/data') as typeof import('@grafana/data');
    const toFrames = (refId: string, vector: Array<{ metric: Record<string, string>; value: number }>) =>
      vector.map((s) =>
        data.createDataFrame({
          refId,
          fields: [
            { name: 'Time', type: data.FieldType.time, values: [Date.now()] },
            { name: 'Value', type: data.FieldType.number, values: [s.value], labels: s.metric },
          ],
        })
      );
    return {
      toFrames,
      graph: require('./pages/dependencies/dependencyGraph') as typeof import('./pages/dependencies/dependencyGraph'),
      targets: require('./pages/health/targetStatus') as typeof import('./pages/health/targetStatus'),
      services: require('./pages/services/serviceMap') as typeof import('./pages/services/serviceMap'),
      servicesTable: require('./pages/services/servicesTable') as typeof import('./pages/services/servicesTable'),
    };
  });
  const run = async (panel: string, refId: string) => {
    const q = queries.find((x) => x.page === 'dependencies' && x.panel === panel && x.refId === refId)!;
    return stack.prom.query(interpolate(q.expr, VARIABLES));
  };

  it('the service map of demo has the payments dependency with calls and failures', async () => {
    const frames = (
      await Promise.all(['service', 'rate', 'errors', 'p95'].map(async (r) => toFrames(r, await run('Service map', r))))
    ).flat();
    const [nodes, edges] = graph.dependencyGraphFrames(frames, 'demo');
    const titles = nodes!.fields.find((f) => f.name === 'title')!.values;
    expect(titles[0]).toBe('demo');
    expect(titles).toContain('payments');
    const i = titles.indexOf('payments');
    expect(nodes!.fields.find((f) => f.name === 'mainstat')!.values[i]).toBeGreaterThan(0);
    // The burst makes payments answer 500 and time out: the arc shows failures.
    expect(nodes!.fields.find((f) => f.name === 'arc__errors')!.values[i]).toBeGreaterThan(0);
    expect(edges!.fields.find((f) => f.name === 'target')!.values).toContain(graph.dependencyNodeId('payments'));
  });

  const runServices = async (panel: string) =>
    (
      await Promise.all(
        queries
          .filter((x) => x.page === 'services' && x.panel === panel)
          .map(async (q) => toFrames(q.refId, await stack.prom.query(interpolate(q.expr, VARIABLES))))
      )
    ).flat();

  it('the Services map links demo to the payments service (not an external host) from the exporter\u2019s own metrics', async () => {
    const { nodes, edges } = services.serviceMapModel(await runServices('Service map'));
    const kinds = Object.fromEntries(nodes.map((n) => [n.title, n.kind]));
    expect(kinds).toMatchObject({ demo: 'service', payments: 'service' });
    const call = edges.find((e) => e.source === graph.serviceNodeId('demo'))!;
    expect(call).toMatchObject({ target: graph.serviceNodeId('payments') });
    expect(call.rate).toBeGreaterThan(0);
    // payments' inbound call is demo's; the error ratio is a number (0 when nothing failed), never missing.
    expect(edges.filter((e) => e.target === graph.serviceNodeId('payments')).map((e) => e.source)).toEqual([
      graph.serviceNodeId('demo'),
    ]);
    expect(Number.isFinite(call.errorRatio)).toBe(true);
  });

  it('the Services table has a row per service with a number in every RED cell', async () => {
    const rows = servicesTable.serviceRows(await runServices('Services'), new Map());
    expect(rows.map((r) => r.service)).toEqual(expect.arrayContaining(['demo', 'payments']));
    for (const r of rows.filter((x) => ['demo', 'payments'].includes(x.service))) {
      expect({ service: r.service, finite: [r.rate, r.errorRatio, r.p95].every(Number.isFinite) }).toEqual({
        service: r.service,
        finite: true,
      });
      expect(r.instances).toBe(1);
      expect(r.alerts).toBe(0);
    }
  });

  it('the target status of demo is up (no lost server while it reports)', async () => {
    const byRef = async (refId: string) => {
      const q = queries.find((x) => x.page === 'health' && x.panel === 'Targets' && x.refId === refId)!;
      return (await stack.prom.query(interpolate(q.expr, VARIABLES))).map((s) => ({
        instance: s.metric[LABELS.instance]!,
        value: s.value,
      }));
    };
    const statuses = targets.classifyTargets({
      up: await byRef('up'),
      seen: await byRef('seen'),
      gracefulStops: 0,
      crashes: 0,
    });
    expect(statuses.length).toBe(1);
    expect(statuses[0]!.verdict).toBe('up');
  });
});
