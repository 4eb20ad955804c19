/**
 * @jest-environment node
 */
// Pulse on a second PromQL engine: Debian's VictoriaMetrics (single node, v1.79) receives the
// live stack's series by real Prometheus remote_write (the same samples Prometheus holds, the
// recording rules' output included), then every PromQL expression Pulse ships — the generated
// dashboards, the Prometheus rule files, the Grafana-managed rules' data queries and every query
// of the Grafana app's pages — runs on both engines at the same instants. Each must run on
// VictoriaMetrics and return the same series as Prometheus, values within REL_TOLERANCE; every
// difference must belong to a class docs/scaling.md lists with its reason. The test prints the
// count of expressions checked and each difference.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { excludeFromDependencyTracking } from '@pulse-apm/exporter';
import { startLiveStack, type LiveStack } from '../../demo/test/live-stack';
import type { PromMatrix, PrometheusHandle } from '../../exporter/test/support/prometheus';
import { interpolate as interpolateDashboard } from '../../provisioning/test/support/dashboards';
import { compare, REL_TOLERANCE, vectorAsMatrix, type Difference } from '../../provisioning/test/support/engine-diff';
import { startProbes, type Probes } from '../../provisioning/test/support/probes';
import {
  dashboardVariableQueries,
  RULE_FILES,
  shippedFileQueries,
  type RuleGroup,
  type ShippedQuery,
} from '../../provisioning/test/support/shipped-promql';
import { startVictoriaMetrics, type VictoriaMetrics } from '../../provisioning/test/support/victoria-metrics';
import { variableQueries, VAR } from './queries/variables';
import type * as AppQueries from './testing/appQueries';
import { withBrowserGlobals } from './testing/browserGlobals';

const ROOT = path.resolve(__dirname, '../..');
const {
  allIssuedQueries,
  buildAllPages,
  interpolate: interpolateApp,
  SAMPLE_PARAMS,
  SAMPLE_VARIABLES,
} = withBrowserGlobals(() => require('./testing/appQueries') as typeof AppQueries);

// The live stack's N+1 route (as live.test.ts): Route detail has data everywhere.
const ROUTE = '/api/v1/posts/feed';
const PROBES_DASHBOARD = 'pulse-probes';
/** Range queries: the last two minutes, a point every 5 s (as a 2-minute Grafana panel would). */
const RANGE_SECONDS = 120;
const STEP = 5;

const appQueries: ShippedQuery[] = allIssuedQueries(buildAllPages(undefined, { ...SAMPLE_PARAMS, route: ROUTE }))
  .filter((q) => q.datasource === 'prometheus')
  .map((q) => ({ name: `app ${q.page} › ${q.panel} › ${q.refId}`, kind: 'app', expr: q.expr, instant: q.instant }));
const shipped = [...shippedFileQueries(), ...appQueries];

/**
 * Every class of difference docs/scaling.md explains. A difference of another kind, or on an
 * expression the class does not cover, fails the test: fix the query or document it.
 */
interface KnownDifference {
  /** The heading's words in docs/scaling.md ("Differences found", one bullet each). */
  doc: string;
  /** `all`: every difference of the same query. */
  covers(q: CheckedQuery, d: Difference, all: Difference[]): boolean;
}
interface CheckedQuery {
  name: string;
  expr: string;
  instant: boolean;
  recorded?: boolean;
}
const COUNTER_WINDOW = /\b(rate|increase|irate|delta|idelta)\s*\(/;
/** A filter on a computed value (`> 0.1`, `== 0`): which series pass depends on the value. */
const THRESHOLD = /(>|<|==|!=|>=|<=)\s*-?[\d.]+(e-?\d+)?\b/;
const KNOWN: KnownDifference[] = [
  {
    doc: 'rate() and increase() are not extrapolated',
    // Values apart, or an instant only VictoriaMetrics answers (its increase() counts from the sample before the window).
    covers: (q, d) => (d.kind === 'values' || d.kind === 'points') && COUNTER_WINDOW.test(q.expr),
  },
  {
    doc: 'A threshold on a rate() passes other series',
    covers: (q, d) => d.kind === 'labels' && COUNTER_WINDOW.test(q.expr) && THRESHOLD.test(q.expr),
  },
  {
    doc: 'Rollups that keep the unit keep the metric name',
    // The same series but for `__name__`: each side's series has its twin on the other side.
    covers: (q, d, all) => {
      if (d.kind !== 'labels' || !/\b(avg|min|max|last|quantile|stddev)_over_time\s*\(/.test(q.expr)) {
        return false;
      }
      const twin = (x: Difference) => x.detail.replace(/^only \w+: /, '').replace(/__name__="[^"]*", /, '');
      const [side] = d.detail.split(':');
      return all.some((o) => o.kind === 'labels' && !o.detail.startsWith(`${side}:`) && twin(o) === twin(d));
    },
  },
];

// ---------------------------------------------------------------------------------------------

/**
 * Grafana's rendering of a multi-value variable set to All: regex-escaped values as an alternation.
 * No values would mean a match-all filter, which compares nothing the variable selects: refused.
 */
const alternation = (values: string[], what: string): string => {
  if (values.length === 0) {
    throw new Error(`${what}: no values, the panels would be compared unfiltered`);
  }
  return `(${values.map((v) => v.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&')).join('|')})`;
};

interface Engines {
  prom: PrometheusHandle;
  vm: VictoriaMetrics;
}

let stack: LiveStack | undefined;
let probes: Probes | undefined;
let vmLive: VictoriaMetrics | undefined;
let vmProbes: VictoriaMetrics | undefined;
let rulesDir: string | undefined;
/** The instant every query is evaluated at (a multiple of STEP, data on both engines). */
let at = 0;
const dashboardValues: Record<string, Record<string, string>> = {};
let appValues: Record<string, string> = {};

/** The recording rules as shipped, evaluated every 2 s instead of 1m/2m so a short test has recorded series. */
function fastRecordingRules(): string {
  const doc = parse(fs.readFileSync(path.join(ROOT, RULE_FILES[0]!), 'utf8')) as { groups: RuleGroup[] };
  for (const g of doc.groups) {
    g.interval = '2s';
  }
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-vm-rules-'));
  const file = path.join(rulesDir, 'recording.yml');
  fs.writeFileSync(file, stringify(doc));
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `label_values(selector, label)` as Grafana runs it: the label values API with `match[]` over the
 * dashboard's time range (here the 2-minute range the panels are compared over).
 */
async function labelValues(baseUrl: string, selector: string, label: string, end: number): Promise<string[]> {
  const res = await fetch(
    `${baseUrl}/api/v1/label/${label}/values?${new URLSearchParams({
      'match[]': selector,
      start: String(end - RANGE_SECONDS),
      end: String(end),
    })}`
  );
  const body = (await res.json()) as { data?: string[] };
  if (!Array.isArray(body.data)) {
    throw new Error(`${baseUrl} label values: ${JSON.stringify(body)}`);
  }
  return [...body.data].sort();
}

/**
 * The newest STEP-aligned instant, at least one STEP old, at which Prometheus holds a
 * probe_success sample for every probed URL. The first probes land only seconds before the test
 * starts querying (and a probe scrape that fails marks its series stale), so an instant taken from
 * the clock alone can find no probe_success on Prometheus while VictoriaMetrics' label index
 * (per day) already lists every URL.
 */
async function instantWithEveryProbe(prom: PrometheusHandle, urls: string[]): Promise<number> {
  const want = [...urls].sort();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const t = Math.floor(Date.now() / 1000 / STEP) * STEP - STEP;
    const have = [...new Set((await prom.query('probe_success', t)).map((s) => s.metric.instance!))].sort();
    if (JSON.stringify(have) === JSON.stringify(want)) {
      return t;
    }
    if (Date.now() > deadline) {
      throw new Error(`Prometheus has probe_success at ${t} for [${have.join(', ')}], wanted [${want.join(', ')}]`);
    }
    await sleep(1000);
  }
}

/**
 * Until VictoriaMetrics holds what Prometheus has up to `time` (remote_write is asynchronous): the
 * same series, the same count of scrapes, and the recording rules' latest evaluation.
 */
async function caughtUp({ prom, vm }: Engines, time: number): Promise<void> {
  const checks = [
    'count({__name__=~".+"})',
    'sum(count_over_time(up[10m]))',
    'max(timestamp(job:http_server_requests:rate5m)) or vector(0)',
  ];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const apart: string[] = [];
    for (const expr of checks) {
      const [p, v] = await Promise.all([prom.query(expr, time), vm.query(expr, time)]);
      if (p[0]?.value !== v[0]?.value) {
        apart.push(`${expr}: Prometheus ${p[0]?.value}, VictoriaMetrics ${v[0]?.value}`);
      }
    }
    if (apart.length === 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`VictoriaMetrics did not catch up with Prometheus: ${apart.join('; ')}`);
    }
    await sleep(500);
  }
}

beforeAll(async () => {
  [vmLive, vmProbes] = await Promise.all([startVictoriaMetrics(), startVictoriaMetrics()]);
  // The demo's Pulse measures this process's outgoing HTTP: queries to VictoriaMetrics are not its calls.
  excludeFromDependencyTracking(vmLive.url);
  excludeFromDependencyTracking(vmProbes.url);
  stack = await startLiveStack({
    prometheus: { remoteWriteUrls: [vmLive.writeUrl], ruleFiles: [fastRecordingRules()] },
  });
  const composeUrls = (
    parse(fs.readFileSync(path.join(ROOT, 'provisioning/prometheus/probes/pulse-probes.yml'), 'utf8')) as Array<{
      targets: string[];
    }>
  ).flatMap((g) => g.targets);
  const live = composeUrls.map((u) =>
    u
      .replace(/^http:\/\/demo:3000/, stack!.demoUrl.replace(/\/$/, ''))
      .replace(/^http:\/\/payments:4000/, stack!.paymentsUrl.replace(/\/$/, ''))
  );
  probes = await startProbes(live, { remoteWriteUrls: [vmProbes.writeUrl] });
  excludeFromDependencyTracking(probes.prom.url);
  await probes.prom.waitForScrapes('blackbox', 8);

  at = await instantWithEveryProbe(probes.prom, probes.urls);
  await Promise.all([
    caughtUp({ prom: stack.prom, vm: vmLive }, at),
    caughtUp({ prom: probes.prom, vm: vmProbes }, at),
  ]);

  // Variables as Grafana fills them: "All" of what the variable queries find (from Prometheus).
  const values = async (prom: PrometheusHandle, expr: string, label: string) =>
    alternation(
      [...new Set((await prom.query(expr, at)).map((s) => s.metric[label]).filter((x): x is string => !!x))].sort(),
      `${label} of ${expr}`
    );
  const grafana = { __rate_interval: '1m', __range: '2m', __interval: '5s', __auto: '5s' };
  const runtime = variableQueries.env.seriesSelector;
  const service = {
    env: await values(stack.prom, runtime, 'env'),
    job: await values(stack.prom, runtime, 'job'),
    instance: await values(stack.prom, runtime, 'instance'),
    ...grafana,
  };
  // The probes dashboard's $instance as Grafana fills it: label_values(probe_success, instance).
  const probed = await labelValues(probes.prom.url, 'probe_success', 'instance', at);
  expect(probed).toEqual([...probes.urls].sort());
  for (const q of shipped) {
    if (q.dashboard) {
      dashboardValues[q.dashboard] =
        q.dashboard === PROBES_DASHBOARD ? { instance: alternation(probed, 'probes $instance'), ...grafana } : service;
    }
  }
  appValues = {
    ...SAMPLE_VARIABLES,
    ...grafana,
    __range: '5m',
    [VAR.service]: 'demo',
    [VAR.instanceId]: await values(stack.prom, runtime, 'service_instance_id'),
  };
}, 150_000);

afterAll(async () => {
  await probes?.stop();
  await stack?.stop();
  await vmLive?.stop();
  await vmProbes?.stop();
  if (rulesDir) {
    fs.rmSync(rulesDir, { recursive: true, force: true });
  }
}, 60_000);

/** The query as the data source receives it, and the engines that hold its data. */
function prepare(q: ShippedQuery): CheckedQuery & { probes: boolean } {
  const isProbes = q.dashboard === PROBES_DASHBOARD;
  const expr =
    q.kind === 'app'
      ? interpolateApp(q.expr, appValues)
      : q.dashboard
        ? interpolateDashboard(q.expr, dashboardValues[q.dashboard]!)
        : q.expr;
  return { name: q.name, expr, instant: q.instant, recorded: q.recorded, probes: isProbes };
}

interface Outcome {
  query: CheckedQuery & { probes: boolean };
  prometheusError?: string;
  victoriaError?: string;
  differences: Difference[];
  series: number;
  /** Series each engine answered (before the comparison). */
  answered: { prometheus: number; victoria: number };
  nanDropped: number;
}

async function check(q: CheckedQuery & { probes: boolean }): Promise<Outcome> {
  const e: Engines = q.probes ? { prom: probes!.prom, vm: vmProbes! } : { prom: stack!.prom, vm: vmLive! };
  const run = async (engine: 'prom' | 'vm'): Promise<PromMatrix> =>
    q.instant
      ? vectorAsMatrix(await e[engine].query(q.expr, at))
      : e[engine].queryRange(q.expr, at - RANGE_SECONDS, at, STEP);
  const [p, v] = await Promise.allSettled([run('prom'), run('vm')]);
  const outcome: Outcome = {
    query: q,
    differences: [],
    series: 0,
    answered: {
      prometheus: p.status === 'fulfilled' ? p.value.length : 0,
      victoria: v.status === 'fulfilled' ? v.value.length : 0,
    },
    nanDropped: 0,
  };
  if (p.status === 'rejected') {
    outcome.prometheusError = String((p.reason as Error).message);
  }
  if (v.status === 'rejected') {
    outcome.victoriaError = String((v.reason as Error).message);
  }
  if (p.status === 'fulfilled' && v.status === 'fulfilled') {
    const c = compare(p.value, v.value);
    Object.assign(outcome, { differences: c.differences, series: c.common, nanDropped: c.nanDropped });
  }
  return outcome;
}

describe('every shipped PromQL expression on VictoriaMetrics, fed by Prometheus remote_write', () => {
  const outcomes: Outcome[] = [];

  it('collects the dashboards, both rule files, the Grafana rules and the app', () => {
    const kinds = (k: ShippedQuery['kind']) => shipped.filter((q) => q.kind === k).length;
    expect(kinds('dashboard')).toBeGreaterThan(30);
    expect(kinds('rule')).toBeGreaterThan(60);
    expect(kinds('grafana-rule')).toBeGreaterThan(20);
    expect(kinds('app')).toBeGreaterThan(80);
  });

  it('runs every expression on both engines and compares the answers', async () => {
    // One check per distinct query as sent (the app and dashboards repeat some).
    const distinct = new Map<string, CheckedQuery & { probes: boolean }>();
    for (const q of shipped.map(prepare)) {
      const k = `${q.instant}|${q.probes}|${q.expr}`;
      if (!distinct.has(k)) {
        distinct.set(k, q);
      }
    }
    for (const q of distinct.values()) {
      outcomes.push(await check(q));
    }

    const withData = outcomes.filter((o) => o.series > 0).length;
    const lines = [
      `PromQL checked on Prometheus 2.42 and VictoriaMetrics 1.79: ${outcomes.length} distinct expressions ` +
        `(${shipped.length} shipped: ${['dashboard', 'rule', 'grafana-rule', 'app']
          .map((k) => `${shipped.filter((q) => q.kind === k).length} ${k}`)
          .join(', ')}), ${withData} with data on both; values within ${REL_TOLERANCE * 100} %.`,
      `NaN points Prometheus returned and VictoriaMetrics leaves out: ${outcomes.reduce((n, o) => n + o.nanDropped, 0)} ` +
        `in ${outcomes.filter((o) => o.nanDropped > 0).length} expressions.`,
    ];
    for (const o of outcomes) {
      const all = [
        ...(o.prometheusError ? [`Prometheus error: ${o.prometheusError}`] : []),
        ...(o.victoriaError ? [`VictoriaMetrics error: ${o.victoriaError}`] : []),
        ...o.differences.map((d) => {
          const known = KNOWN.find((k) => k.covers(o.query, d, o.differences));
          return `${d.kind}${known ? ` [${known.doc}]` : ' [NOT DOCUMENTED]'}: ${d.detail}`;
        }),
      ];
      if (all.length > 0) {
        lines.push(
          `- ${o.query.name} (${o.query.instant ? 'instant' : 'range'}): ${o.query.expr}\n    ${all.join('\n    ')}`
        );
      }
    }
    console.log(lines.join('\n'));

    expect(outcomes.filter((o) => o.prometheusError).map((o) => [o.query.name, o.prometheusError])).toEqual([]);
    expect(outcomes.filter((o) => o.victoriaError).map((o) => [o.query.name, o.victoriaError])).toEqual([]);
    const undocumented = outcomes.flatMap((o) =>
      o.differences
        .filter((d) => !KNOWN.some((k) => k.covers(o.query, d, o.differences)))
        .map((d) => `${o.query.name}: ${d.detail}`)
    );
    expect(undocumented).toEqual([]);
    // The comparison has teeth: most key queries return data on both engines.
    expect(withData).toBeGreaterThan(outcomes.length / 2);
  }, 120_000);

  it('docs/scaling.md explains every class of difference the test allows', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/scaling.md'), 'utf8');
    for (const k of KNOWN) {
      expect({ doc: k.doc, listed: doc.includes(k.doc) }).toEqual({ doc: k.doc, listed: true });
    }
  });

  it('the dashboards\u2019 variable queries list the same values on both engines', async () => {
    const vars = dashboardVariableQueries();
    expect(vars.length).toBeGreaterThan(5);
    expect(vars.some((v) => v.dashboard === PROBES_DASHBOARD)).toBe(true);
    for (const v of vars) {
      const isProbes = v.dashboard === PROBES_DASHBOARD;
      const selector = interpolateDashboard(v.selector, dashboardValues[v.dashboard]!);
      // Both engines answer the call Grafana's label_values() makes, over the same range.
      const [p, m] = await Promise.all([
        labelValues(isProbes ? probes!.prom.url : stack!.prom.url, selector, v.label, at),
        labelValues(isProbes ? vmProbes!.url : vmLive!.url, selector, v.label, at),
      ]);
      const variable = `${v.dashboard} $${v.name}`;
      expect({ variable, found: p.length > 0 }).toEqual({ variable, found: true });
      expect({ variable, values: m }).toEqual({ variable, values: p });
    }
  });

  it('the probes panels are compared filtered by every probed URL, with data on both engines', () => {
    const filter = dashboardValues[PROBES_DASHBOARD]!.instance!;
    expect(filter).not.toBe('.*');
    const probesPanels = outcomes.filter((o) => o.query.probes);
    expect(probesPanels.length).toBeGreaterThan(3);
    for (const o of probesPanels) {
      expect({ panel: o.query.name, filtered: o.query.expr.includes(`instance=~"${filter}"`) }).toEqual({
        panel: o.query.name,
        filtered: true,
      });
      // Every probed URL's series from each engine (the range panels' may differ by `__name__` only, as documented).
      const n = probes!.urls.length;
      expect({ panel: o.query.name, ...o.answered }).toEqual({
        panel: o.query.name,
        prometheus: o.query.expr.includes('probe_ssl_earliest_cert_expiry') ? 1 : n,
        victoria: o.query.expr.includes('probe_ssl_earliest_cert_expiry') ? 1 : n,
      });
    }
    // The alternation of every probed URL, not a match-all.
    expect(filter).toBe(alternation([...probes!.urls].sort(), 'probed URLs'));
  });
});
