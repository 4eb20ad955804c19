import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { lastValueFrom, of } from 'rxjs';
import { GRAPH_REFS } from '../../queries/dependencies';
import {
  dependencyGraphFrames,
  dependencyGraphTransform,
  dependencyNodeId,
  dependencyStats,
  serviceNodeId,
} from './dependencyGraph';

/** An instant query in table format, as the Prometheus data source returns it. */
function table(refId: string, rows: Array<[Record<string, string>, number]>): DataFrame {
  const labelNames = [...new Set(rows.flatMap(([l]) => Object.keys(l)))];
  return createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: rows.map(() => 1_700_000_000_000) },
      ...labelNames.map((n) => ({ name: n, type: FieldType.string, values: rows.map(([l]) => l[n] ?? '') })),
      { name: `Value #${refId}`, type: FieldType.number, values: rows.map(([, v]) => v) },
    ],
  });
}

const dep = (dependency: string, dependency_type = 'http') => ({ dependency, dependency_type });

const frames = [
  table(GRAPH_REFS.service, [[{ job: 'demo' }, 12.5]]),
  table(GRAPH_REFS.rate, [
    [dep('payments'), 3],
    [dep('redis', 'custom'), 1],
    [dep('redis', 'http'), 0.5],
    [dep('idle'), 0],
  ]),
  table(GRAPH_REFS.errors, [
    [dep('payments'), 0.25],
    [dep('redis', 'custom'), 0],
    [dep('redis', 'http'), 0.1],
    [dep('idle'), NaN],
  ]),
  table(GRAPH_REFS.p95, [
    [dep('payments'), 0.8],
    [dep('redis', 'custom'), 0.002],
  ]),
];

const valuesOf = (frame: DataFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

describe('dependencyStats', () => {
  it('one entry per dependency: rates add up over types, error ratio and p95 keep the worst, idle ones drop', () => {
    expect(dependencyStats(frames)).toEqual([
      { name: 'payments', type: 'http', rate: 3, errorRatio: 0.25, p95: 0.8 },
      { name: 'redis', type: 'custom', rate: 1.5, errorRatio: 0.1, p95: 0.002 },
    ]);
  });

  it('reads time-series frames too (labels on the value field)', () => {
    const ts = createDataFrame({
      refId: GRAPH_REFS.rate,
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2] },
        { name: 'Value', type: FieldType.number, values: [4, 7], labels: dep('stripe') },
      ],
    });
    expect(dependencyStats([ts])).toEqual([{ name: 'stripe', type: 'http', rate: 7, errorRatio: NaN, p95: NaN }]);
  });
});

describe('dependencyGraphFrames', () => {
  const [nodes, edges] = dependencyGraphFrames(frames, 'demo');

  it('makes the two frames the nodeGraph panel reads', () => {
    expect(nodes!.name).toBe('nodes');
    expect(edges!.name).toBe('edges');
    expect(nodes!.meta?.preferredVisualisationType).toBe('nodeGraph');
    expect(nodes!.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['id', 'title', 'mainstat', 'secondarystat', 'arc__success', 'arc__errors'])
    );
    expect(edges!.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['id', 'source', 'target', 'mainstat', 'secondarystat'])
    );
  });

  it('has the service and one node per called dependency, ids kept apart when names collide', () => {
    expect(valuesOf(nodes!, 'id')).toEqual([
      serviceNodeId('demo'),
      dependencyNodeId('payments'),
      dependencyNodeId('redis'),
    ]);
    expect(valuesOf(nodes!, 'title')).toEqual(['demo', 'payments', 'redis']);
    expect(valuesOf(nodes!, 'mainstat')).toEqual([12.5, 3, 1.5]);
    const [, collide] = dependencyGraphFrames([table(GRAPH_REFS.rate, [[dep('demo'), 1]])], 'demo');
    expect(new Set([...valuesOf(collide!, 'source'), ...valuesOf(collide!, 'target')]).size).toBe(2);
  });

  it('arcs add up to 1 per dependency and show the failed share', () => {
    const success = valuesOf(nodes!, 'arc__success');
    const errors = valuesOf(nodes!, 'arc__errors');
    expect(errors.slice(1)).toEqual([0.25, 0.1]);
    for (let i = 1; i < success.length; i++) {
      expect(success[i] + errors[i]).toBeCloseTo(1);
    }
  });

  it('an edge from the service to each dependency carries calls/s and error ratio', () => {
    expect(valuesOf(edges!, 'source')).toEqual([serviceNodeId('demo'), serviceNodeId('demo')]);
    expect(valuesOf(edges!, 'target')).toEqual([dependencyNodeId('payments'), dependencyNodeId('redis')]);
    expect(valuesOf(edges!, 'mainstat')).toEqual([3, 1.5]);
    expect(valuesOf(edges!, 'secondarystat')).toEqual([0.25, 0.1]);
    expect(new Set(valuesOf(edges!, 'id')).size).toBe(2);
  });

  it('no dependency data: the service alone and no edges', () => {
    const [n, e] = dependencyGraphFrames([], 'demo');
    expect(valuesOf(n!, 'id')).toEqual([serviceNodeId('demo')]);
    expect(e!.length).toBe(0);
  });
});

describe('dependencyGraphTransform', () => {
  it('puts the interpolated service variable at the centre', async () => {
    const interpolate = jest.fn((v: string) => (v === '$job' ? 'payments-api' : v));
    const out = await lastValueFrom(of(frames).pipe(dependencyGraphTransform({ interpolate })));
    expect(interpolate).toHaveBeenCalledWith('$job');
    expect(valuesOf(out[0]!, 'title')[0]).toBe('payments-api');
  });
});
