import { newTraceId, traceIdFromTraceparent } from './trace-id';

describe('trace ids', () => {
  it('generates distinct 32-hex ids', () => {
    const ids = new Set(Array.from({ length: 5000 }, newTraceId));
    expect(ids.size).toBe(5000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  it('takes the trace id of a valid traceparent', () => {
    expect(traceIdFromTraceparent(valid)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    // A future version may append fields.
    expect(traceIdFromTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it.each([
    ['missing', undefined],
    ['array', [valid, valid]],
    ['upper-case hex', valid.toUpperCase()],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version 00 with extra', valid + '-x'],
    ['short', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['non-hex', '00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01'],
    ['wrong separators', '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01'],
  ])('ignores a malformed traceparent (%s)', (_why, header) => {
    expect(traceIdFromTraceparent(header as string)).toBeUndefined();
  });
});
