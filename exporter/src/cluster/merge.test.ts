import { mergeWorkers } from './merge';
import type { FamilyState } from './state';

const histogram = (values: number[], exemplar?: [string, number, number]): FamilyState => ({
  name: 'h_seconds',
  help: 'h',
  type: 'histogram',
  unit: 'seconds',
  aggregation: 'sum',
  bounds: ['0.1', '1.0', '+Inf'],
  series: [{ labels: 'route="/a"', values, ...(exemplar && { exemplars: [null, exemplar, null] }) }],
});
const gauge = (name: string, aggregation: FamilyState['aggregation'], value: number): FamilyState => ({
  name,
  help: 'g',
  type: 'gauge',
  unit: '',
  aggregation,
  series: [{ labels: 'pool="main"', values: [value] }],
});

describe('mergeWorkers', () => {
  it('sums histograms bucket by bucket, with sum and count, and keeps the newest exemplar per bucket', () => {
    const { families, mismatched } = mergeWorkers([
      { worker: '1', families: [histogram([1, 3, 4, 2.5, 4], ['trace_id="a"', 0.5, 10])] },
      { worker: '2', families: [histogram([0, 2, 2, 1.5, 2], ['trace_id="b"', 0.7, 20])] },
    ]);
    expect(mismatched).toBe(0);
    expect(families[0]!.series).toEqual([
      { labels: 'route="/a"', values: [1, 5, 6, 4, 6], exemplars: [null, ['trace_id="b"', 0.7, 20], null] },
    ]);
  });

  it('keeps per-worker gauges apart under a worker label and combines the others by their aggregation', () => {
    const { families } = mergeWorkers([
      {
        worker: '1',
        families: [
          gauge('a', 'per-worker', 3),
          gauge('b', 'sum', 3),
          gauge('c', 'max', 3),
          gauge('d', 'min', 3),
          gauge('e', 'average', 3),
          gauge('f', 'first', 3),
          gauge('g', 'omit', 3),
        ],
      },
      {
        worker: '2',
        families: [
          gauge('a', 'per-worker', 5),
          gauge('b', 'sum', 5),
          gauge('c', 'max', 5),
          gauge('d', 'min', 5),
          gauge('e', 'average', 5),
          gauge('f', 'first', 5),
          gauge('g', 'omit', 5),
        ],
      },
    ]);
    const byName = Object.fromEntries(families.map((f) => [f.name, f.series.map((s) => [s.labels, s.values[0]])]));
    expect(byName).toEqual({
      a: [
        ['pool="main",worker="1"', 3],
        ['pool="main",worker="2"', 5],
      ],
      b: [['pool="main"', 8]],
      c: [['pool="main"', 5]],
      d: [['pool="main"', 3]],
      e: [['pool="main"', 4]],
      f: [['pool="main"', 3]],
    });
  });

  it('leaves out, and counts, a worker whose histogram has other buckets (a deploy that changed them)', () => {
    const other: FamilyState = { ...histogram([1, 1, 1, 1]), bounds: ['0.5', '+Inf'] };
    other.series[0]!.values = [1, 1, 0.2, 1];
    const { families, mismatched } = mergeWorkers([
      { worker: '1', families: [histogram([1, 3, 4, 2.5, 4])] },
      { worker: '2', families: [other] },
    ]);
    expect(mismatched).toBe(1);
    expect(families[0]!.series[0]!.values).toEqual([1, 3, 4, 2.5, 4]);
  });
});
