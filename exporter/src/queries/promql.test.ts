/**
 * The PromQL query module: selectors quote and escape, builders use the catalog's names, Grafana
 * variables survive, and every builder's output parses in real Prometheus (2.42, the authority:
 * npm grammars follow 3.x).
 */
import { httpServerRequestDuration } from '../catalog/http';
import { pulseHealthStatus } from '../catalog/health';
import { startPrometheus, type PrometheusHandle } from '../../test/support/prometheus';
import * as q from './promql';

describe('selector', () => {
  it('renders each match kind, skips undefined and escapes quotes and backslashes', () => {
    expect(q.selector({ a: 'x', b: { regex: '5..' }, c: { not: '' }, d: { notRegex: 'a|b' }, e: undefined })).toBe(
      '{a="x", b=~"5..", c!="", d!~"a|b"}',
    );
    expect(q.selector({ route: 'say "hi" \\ bye' })).toBe('{route="say \\"hi\\" \\\\ bye"}');
    expect(q.selector({})).toBe('');
  });

  it('turns template variables into multi-value-safe regex matchers', () => {
    expect(q.selector(q.variableSelector(['job', 'instance']))).toBe('{job=~"$job", instance=~"$instance"}');
  });
});

describe('builders', () => {
  const count = `${httpServerRequestDuration.name}_count`;

  it('request and error rates aggregate the histogram count by the requested labels', () => {
    expect(q.requestRate({ by: ['job'], selector: { job: 'api' } })).toBe(
      `sum by (job) (rate(${count}{job="api"}[5m]))`,
    );
    expect(q.errorRate({ window: q.GRAFANA_RATE_INTERVAL })).toBe(
      `sum (rate(${count}{http_response_status_code=~"5.."}[$__rate_interval]))`,
    );
    expect(q.errorRatio({ by: ['http_route'] })).toBe(
      `${q.errorRate({ by: ['http_route'] })} / ${q.requestRate({ by: ['http_route'] })}`,
    );
  });

  it('latency quantiles keep `le` in the aggregation', () => {
    expect(q.latencyQuantile(0.95, { by: ['http_route'] })).toBe(
      `histogram_quantile(0.95, sum by (le, http_route) (rate(${httpServerRequestDuration.name}_bucket[5m])))`,
    );
  });

  it('burn rates divide by the error budget without float noise', () => {
    expect(q.formatNumber(1 - 0.999)).toBe('0.001');
    expect(q.sloBurnRate('1h', 0.9995)).toMatch(/\[1h\]\)\)\) \/ 0\.0005$/);
    const mw = q.multiWindowBurnRate(0.999, q.FAST_BURN_WINDOWS, { by: ['job'] });
    expect(mw.split(' or ')).toHaveLength(2);
    expect(mw).toContain('> 14.4 and on (job)');
    expect(mw).toContain('[5m]');
    expect(mw).toContain('[6h]');
  });

  it('refuses histogram suffixes on non-histograms', () => {
    expect(() => q.seriesName(pulseHealthStatus, 'count')).toThrow(/not a histogram/);
  });

  it('z-scores read the recorded series and its history statistics', () => {
    const h = q.historyNames(q.RECORDED.requestRate);
    expect(q.zScore(q.RECORDED.requestRate)).toBe(`(${q.RECORDED.requestRate} - ${h.avg}) / ${h.stddev}`);
  });
});

describe('every builder on real Prometheus', () => {
  let prom: PrometheusHandle;
  beforeAll(async () => {
    prom = await startPrometheus({ targets: [] });
  }, 60_000);
  afterAll(() => prom?.stop());

  // What Grafana substitutes before Prometheus sees a dashboard query.
  const interpolate = (expr: string) => expr.replace(/\$__rate_interval/g, '1m').replace(/\$(job|instance)/g, 'x');
  const sel = q.variableSelector(['job', 'instance']);
  const o = { selector: sel, by: ['job'], window: q.GRAFANA_RATE_INTERVAL };
  const cases: Array<[string, string]> = [
    ['requestRate', q.requestRate(o)],
    ['errorRate', q.errorRate(o)],
    ['errorRatio', q.errorRatio(o)],
    ['latencyQuantile', q.latencyQuantile(0.99, o)],
    ['capturedErrorRate', q.capturedErrorRate(o)],
    ['sloBurnRate', q.sloBurnRate('1h', 0.999, { selector: sel })],
    ['multiWindowBurnRate', q.multiWindowBurnRate(0.999, q.SLOW_BURN_WINDOWS, { by: ['job', 'http_route'] })],
    ['zScore', q.zScore(q.RECORDED.probeDuration)],
    ['historyStat', q.historyStat(q.RECORDED.requestRate, 'stddev')],
    ['targetUp', q.targetUp(sel)],
    ['healthCheckStatus', q.healthCheckStatus({ selector: sel, critical: true })],
    ['healthCheckFlapping', q.healthCheckFlapping(sel)],
    ['eventLoopDelayP99', q.eventLoopDelayP99(sel)],
    ['heapUsedRatio', q.heapUsedRatio(sel)],
    ['leakSuspected', q.leakSuspected(sel)],
    ['slowQueryRate', q.slowQueryRate(o)],
    ['nPlusOneIncrease', q.nPlusOneIncrease(o)],
    ['dbPoolUsage', q.dbPoolUsage(sel)],
    ['dbPoolPending', q.dbPoolPending(sel)],
    ['dependencyErrorRatio', q.dependencyErrorRatio(o)],
    ['dependencyRate', q.dependencyRate(o)],
    ['logDropRate', q.logDropRate(o)],
    ['probeSuccess', q.probeSuccess(sel)],
    ['probeDuration', q.probeDuration(sel)],
    ['certExpiryDays', q.certExpiryDays(sel)],
  ];

  it('covers every builder in promqlQueries', () => {
    const tested = new Set(cases.map(([name]) => name));
    expect(Object.keys(q.promqlQueries).filter((name) => !tested.has(name))).toEqual([]);
  });

  it.each(cases)('%s parses', async (_name, expr) => {
    await expect(prom.formatQuery(interpolate(expr))).resolves.toEqual(expect.any(String));
  });

  it('a broken expression is rejected (the check can fail)', async () => {
    await expect(prom.formatQuery(`${q.requestRate()} >`)).rejects.toThrow();
  });
});
