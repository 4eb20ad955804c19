import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allMetrics, catalog, WORKER_LABEL } from './index';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('metric catalog', () => {
  it('has unique metric names', () => {
    const names = allMetrics.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(allMetrics.map((m) => [m.name, m] as const))('%s is a valid, conventional Prometheus metric', (_name, m) => {
    expect(m.name).toMatch(METRIC_NAME);
    expect(m.help.length).toBeGreaterThan(10);
    if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
    else expect(m.name).not.toMatch(/_total$/);
    // The unit is the name's suffix (OpenMetrics rejects a UNIT that is not).
    if (m.unit !== '') expect(m.name.replace(/_total$/, '')).toMatch(new RegExp(`_${m.unit}$`));
    for (const label of m.labelNames) {
      expect(label).toMatch(LABEL_NAME);
      expect(label.startsWith('__')).toBe(false);
      expect(['le', 'quantile']).not.toContain(label);
    }
    expect(new Set(m.labelNames).size).toBe(m.labelNames.length);
    if (m.type === 'histogram') {
      expect(m.buckets?.length).toBeGreaterThan(0);
      const buckets = m.buckets!;
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!).toBeGreaterThan(buckets[i - 1]!);
    } else {
      expect(m.buckets).toBeUndefined();
    }
  });

  it('says for every gauge, and only gauges, how workers of one host combine', () => {
    for (const m of allMetrics) {
      if (m.type === 'gauge')
        expect([m.name, m.clusterAggregation]).toEqual([m.name, expect.stringMatching(/^(sum|per-worker)$/)]);
      else expect([m.name, m.clusterAggregation]).toEqual([m.name, undefined]);
      expect(m.labelNames).not.toContain(WORKER_LABEL);
    }
  });

  it('names Pulse-specific metrics with the pulse_ prefix and OTel metrics without it', () => {
    for (const m of allMetrics) {
      if (m.signal === 'pulse') expect(m.name).toMatch(/^pulse_/);
    }
    expect(catalog.httpServerRequestDuration.name).toBe('http_server_request_duration_seconds');
    expect(catalog.httpServerRequestDuration.labelNames).toEqual([
      'http_request_method',
      'http_route',
      'http_response_status_code',
      'error_type',
    ]);
    expect(catalog.httpServerRequestDuration.buckets).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
  });

  it('imports nothing Node-only, so the Grafana app and alert rules can use it', () => {
    const dir = __dirname;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) expect(`${file}: ${spec}`).toMatch(/: \.\//);
      expect(source).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b/);
    }
  });
});
