/**
 * The PromQL query module: selectors quote and escape, builders use the catalog's names, Grafana
 * variables survive, and every builder's output parses in real Prometheus (2.42, the authority:
 * npm grammars follow 3.x).
 */
import { httpServerRequestDuration } from '../catalog/http';
import { pulseHealthStatus } from '../catalog/health';
import { dbClientOperationDuration, pulseDbRouteQueries } from '../catalog/db';
import { pulseDependencyDuration } from '../catalog/deps';
import { nodejsEventLoopUtilization, v8GcDuration } from '../catalog/runtime';
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

  it('generic builders read catalog names and refuse the wrong metric type', () => {
    expect(q.gaugeValue(nodejsEventLoopUtilization, { selector: { job: 'api' } })).toBe(
      `${nodejsEventLoopUtilization.name}{job="api"}`,
    );
    expect(q.gaugeValue(nodejsEventLoopUtilization, { by: ['instance'], aggregate: 'max' })).toBe(
      `max by (instance) (${nodejsEventLoopUtilization.name})`,
    );
    expect(() => q.gaugeValue(dbClientOperationDuration)).toThrow(/histogram, not a gauge/);
    expect(() => q.counterRate(nodejsEventLoopUtilization)).toThrow(/gauge, not a counter/);
    expect(q.histogramQuantile(0.5, dbClientOperationDuration, { by: ['db_collection_name'] })).toBe(
      `histogram_quantile(0.5, sum by (le, db_collection_name) (rate(${dbClientOperationDuration.name}_bucket[5m])))`,
    );
    expect(q.histogramErrorRate(dbClientOperationDuration)).toContain('error_type!=""');
    expect(q.histogramSumRate(v8GcDuration, { by: ['instance'] })).toBe(
      `sum by (instance) (rate(${v8GcDuration.name}_sum[5m]))`,
    );
    expect(() => q.histogramSumRate(nodejsEventLoopUtilization)).toThrow(/not a histogram/);
    expect(() => q.histogramErrorRate(v8GcDuration)).toThrow(/no error_type label/);
    expect(q.dbQueriesPerRequest({ by: ['job'] })).toBe(
      `sum by (job, http_route) (rate(${pulseDbRouteQueries.name}[5m])) / ${q.requestRate({ by: ['job', 'http_route'] })}`,
    );
  });

  it('offset, request counts and trends compare a window with the one before it', () => {
    expect(q.requestRate({ window: '1h', offset: '1h' })).toBe(`sum (rate(${count}[1h] offset 1h))`);
    expect(q.requestCount({ by: ['http_route'], window: '$__range' })).toBe(
      `sum by (http_route) (increase(${count}[$__range]))`,
    );
    expect(q.vsPreviousWindow(q.requestRate, { window: '$__range', by: ['http_route'] })).toBe(
      `(sum by (http_route) (rate(${count}[$__range]))) / (sum by (http_route) (rate(${count}[$__range] offset $__range)))`,
    );
    expect(q.vsPreviousWindow((o) => q.latencyQuantile(0.95, o), { window: '30m' })).toContain(
      `rate(${count.replace('_count', '_bucket')}[30m] offset 30m)`,
    );
  });

  it('targets seen over a window and dependency availability build on up and the error ratio', () => {
    expect(q.targetSeen('1h', { job: 'api' })).toBe('max_over_time(up{job="api"}[1h])');
    expect(q.dependencyAvailability({ by: ['dependency'] })).toBe(
      `1 - (${q.dependencyErrorRatio({ by: ['dependency'] })})`,
    );
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
  const interpolate = (expr: string) =>
    expr.replace(/\$__(rate_interval|range)/g, '1m').replace(/\$(job|instance)/g, 'x');
  const sel = q.variableSelector(['job', 'instance']);
  const o = { selector: sel, by: ['job'], window: q.GRAFANA_RATE_INTERVAL };
  const cases: Array<[string, string]> = [
    ['requestRate', q.requestRate(o)],
    ['requestCount', q.requestCount({ ...o, window: '$__range' })],
    ['vsPreviousWindow', q.vsPreviousWindow((w) => q.latencyQuantile(0.95, w), { ...o, window: '$__range' })],
    ['errorRate', q.errorRate(o)],
    ['errorRatio', q.errorRatio(o)],
    ['errorRatioOrZero', q.errorRatioOrZero(o)],
    ['latencyQuantile', q.latencyQuantile(0.99, o)],
    ['capturedErrorRate', q.capturedErrorRate(o)],
    ['sloBurnRate', q.sloBurnRate('1h', 0.999, { selector: sel })],
    ['multiWindowBurnRate', q.multiWindowBurnRate(0.999, q.SLOW_BURN_WINDOWS, { by: ['job', 'http_route'] })],
    ['zScore', q.zScore(q.RECORDED.probeDuration)],
    ['historyStat', q.historyStat(q.RECORDED.requestRate, 'stddev')],
    ['targetUp', q.targetUp(sel)],
    ['targetSeen', q.targetSeen('$__range', sel)],
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
    ['dependencyAvailability', q.dependencyAvailability(o)],
    ['dependencyErrorRatioOrZero', q.dependencyErrorRatioOrZero(o)],
    ['dependencyAvailabilityOrFull', q.dependencyAvailabilityOrFull(o)],
    ['dependencyRate', q.dependencyRate(o)],
    ['logDropRate', q.logDropRate(o)],
    ['logUnconfirmedRate', q.logUnconfirmedRate(o)],
    ['probeSuccess', q.probeSuccess(sel)],
    ['probeDuration', q.probeDuration(sel)],
    ['certExpiryDays', q.certExpiryDays(sel)],
    ['probeHttpStatus', q.probeHttpStatus(sel)],
    ['probeUptimeRatio', q.probeUptimeRatio('$__range', sel)],
    ['gaugeValue', q.gaugeValue(nodejsEventLoopUtilization, { selector: sel, by: ['instance'], aggregate: 'max' })],
    ['counterRate', q.counterRate('process_cpu_seconds_total', o)],
    ['histogramRate', q.histogramRate(dbClientOperationDuration, o)],
    ['histogramSumRate', q.histogramSumRate(v8GcDuration, o)],
    ['histogramQuantile', q.histogramQuantile(0.95, dbClientOperationDuration, o)],
    ['histogramErrorRate', q.histogramErrorRate(pulseDependencyDuration, o)],
    ['dbQueriesPerRequest', q.dbQueriesPerRequest(o)],
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
