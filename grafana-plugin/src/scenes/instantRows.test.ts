import { createDataFrame, FieldType } from '@grafana/data';
import { instantRows, rowsOf } from './instantRows';

describe('instantRows', () => {
  it('table format: one row per series, labels from the string columns', () => {
    const frame = createDataFrame({
      refId: 'a',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 1] },
        { name: 'instance', type: FieldType.string, values: ['x:1', 'y:1'] },
        { name: 'Value #a', type: FieldType.number, values: [1, 0] },
      ],
    });
    expect(instantRows(frame)).toEqual([
      { labels: { instance: 'x:1' }, value: 1 },
      { labels: { instance: 'y:1' }, value: 0 },
    ]);
  });

  it('time series: one row per value field, with its labels and last non-null value', () => {
    const frame = createDataFrame({
      refId: 'b',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'Value', type: FieldType.number, values: [4, 5, null], labels: { instance: 'x:1' } },
        { name: 'Value', type: FieldType.number, values: [1, 2, 3], labels: { instance: 'y:1' } },
      ],
    });
    expect(instantRows(frame)).toEqual([
      { labels: { instance: 'x:1' }, value: 5 },
      { labels: { instance: 'y:1' }, value: 3 },
    ]);
    expect(rowsOf([frame], 'b')).toHaveLength(2);
    expect(rowsOf([frame], 'other')).toEqual([]);
  });

  it('a frame without numbers has no rows', () => {
    expect(instantRows(createDataFrame({ fields: [{ name: 'Line', type: FieldType.string, values: ['x'] }] }))).toEqual(
      []
    );
  });
});
