import { allIssuedQueries, interpolate } from '../testing/appQueries';
import { KNOWN_LOKI_LABELS, KNOWN_METRICS, KNOWN_PROM_LABELS, logqlNames, promqlNames } from '../testing/names';
import { labelValues } from './types';
import { variableQueries } from './variables';

const queries = allIssuedQueries();
const prom = queries.filter((q) => q.datasource === 'prometheus');
const loki = queries.filter((q) => q.datasource === 'loki');
const title = (q: (typeof queries)[number]) => `${q.page} › ${q.panel} › ${q.refId}`;

describe('PromQL the app issues', () => {
  it('there are PromQL and LogQL queries to check', () => {
    expect(prom.length).toBeGreaterThan(30);
    expect(loki.length).toBeGreaterThan(5);
  });

  it.each(prom.map((q) => [title(q), q.expr] as const))('%s names only catalog metrics and labels', (_t, expr) => {
    const names = promqlNames(interpolate(expr));
    expect(names.errors).toEqual([]);
    expect(names.metrics.size).toBeGreaterThan(0);
    expect([...names.metrics].filter((m) => !KNOWN_METRICS.has(m))).toEqual([]);
    expect([...names.labels].filter((l) => !KNOWN_PROM_LABELS.has(l))).toEqual([]);
  });

  it.each(Object.entries(variableQueries))('variable %s selects a catalog metric and label', (_n, q) => {
    const names = promqlNames(interpolate(q.seriesSelector));
    expect(names.errors).toEqual([]);
    expect([...names.metrics].filter((m) => !KNOWN_METRICS.has(m))).toEqual([]);
    expect(KNOWN_PROM_LABELS.has(q.label)).toBe(true);
    expect(labelValues(q)).toMatch(/^label_values\(.+, \w+\)$/);
  });

  it('the check catches an unknown metric, an unknown label and a syntax error', () => {
    const names = promqlNames('sum by (nope_label) (rate(http_requests_total{bogus="1"}[5m])) >');
    expect([...names.metrics].filter((m) => !KNOWN_METRICS.has(m))).toEqual(['http_requests_total']);
    expect([...names.labels].filter((l) => !KNOWN_PROM_LABELS.has(l)).sort()).toEqual(['bogus', 'nope_label']);
    expect(names.errors.length).toBeGreaterThan(0);
  });
});

describe('LogQL the app issues', () => {
  it.each(loki.map((q) => [title(q), q.expr] as const))(
    '%s parses and names only Pulse labels and metadata',
    (_t, expr) => {
      const names = logqlNames(interpolate(expr));
      expect(names.errors).toEqual([]);
      expect(names.labels.size).toBeGreaterThan(0);
      expect([...names.labels].filter((l) => !KNOWN_LOKI_LABELS.has(l))).toEqual([]);
    }
  );

  it('the check catches an unknown label and a syntax error', () => {
    const names = logqlNames('{service_name="demo", nope="x"} | json |');
    expect([...names.labels].filter((l) => !KNOWN_LOKI_LABELS.has(l))).toEqual(['nope']);
    expect(names.errors.length).toBeGreaterThan(0);
  });
});

describe('interpolate', () => {
  it('substitutes every form and refuses unknown variables', () => {
    expect(interpolate('rate(x{job="$job", r=~".*${search:regex}.*"}[$__rate_interval])')).toBe(
      'rate(x{job="demo", r=~".*.*"}[1m])'
    );
    expect(() => interpolate('x{a="$nope"}')).toThrow(/unknown template variable \$nope/);
  });
});
