import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import {
  classifyGroups,
  errorGroupsFromFrames,
  errorOccurrences,
  latestByFingerprint,
  parseErrorLine,
  stepOf,
} from './errorGroups';
import { EMPTY_ERROR_GROUPS, mute, resolve } from './errorGroupState';

const STEP = 30_000;
const T = 1_700_000_000_000;

/** A Loki range frame as Grafana hands it over: one series per label set, zero steps included. */
function series(labels: Record<string, string>, counts: number[], start = T, step = STEP): DataFrame {
  return createDataFrame({
    refId: 'groups',
    fields: [
      { name: 'Time', type: FieldType.time, values: counts.map((_, i) => start + i * step) },
      { name: 'Value', type: FieldType.number, values: counts, labels },
    ],
  });
}

const group = (fingerprint: string, error_type: string, http_route?: string) => ({
  fingerprint,
  error_type,
  ...(http_route ? { http_route } : {}),
});

describe('errorGroupsFromFrames', () => {
  const frames = [
    series(group('aaa', 'internal', '/orders/:id'), [0, 2, 0, 1, 0]),
    series(group('aaa', 'internal', '/users/:id'), [0, 0, 0, 0, 3]),
    series(group('bbb', 'database'), [4, 0, 0, 0, 0]),
    series(group('ccc', 'timeout', '/x'), [0, 0, 0, 0, 0]),
  ];
  const groups = errorGroupsFromFrames(frames);
  const byFp = Object.fromEntries(groups.map((g) => [g.fingerprint, g]));

  it('merges the routes of one fingerprint and sums its counts', () => {
    expect(byFp.aaa).toMatchObject({ count: 6, routes: ['/orders/:id', '/users/:id'], errorTypes: ['internal'] });
    expect(byFp.bbb).toMatchObject({ count: 4, routes: [], errorTypes: ['database'] });
  });

  it('first and last seen are the first and last steps that counted an event; lastSeenFrom is that step start', () => {
    expect(byFp.aaa).toMatchObject({ firstSeen: T + STEP, lastSeen: T + 4 * STEP, lastSeenFrom: T + 3 * STEP });
    expect(byFp.bbb).toMatchObject({ firstSeen: T, lastSeen: T, lastSeenFrom: T - STEP });
  });

  it('a series with only zero steps makes no group', () => {
    expect(byFp.ccc).toBeUndefined();
    expect(groups).toHaveLength(2);
  });

  it('ignores frames without a time field or fingerprint label', () => {
    const noTime = createDataFrame({
      fields: [{ name: 'Value', type: FieldType.number, values: [1], labels: group('x', 'y') }],
    });
    const noLabel = series({ error_type: 'internal' }, [1]);
    expect(errorGroupsFromFrames([noTime, noLabel])).toEqual([]);
  });
});

describe('stepOf', () => {
  it("uses Grafana's interval when set, else the smallest gap between points", () => {
    const f = series(group('a', 'b'), [1, 1, 1]);
    expect(stepOf(f.fields[0]!)).toBe(STEP);
    expect(stepOf({ ...f.fields[0]!, config: { interval: 15_000 } })).toBe(15_000);
    expect(stepOf(series(group('a', 'b'), [1]).fields[0]!)).toBe(0);
  });
});

describe('classifyGroups', () => {
  const now = T + 3_600_000;
  const groups = errorGroupsFromFrames([
    series(group('open-small', 'internal'), [1]),
    series(group('open-big', 'internal'), [9]),
    series(group('muted', 'internal'), [50]),
    series(group('resolved', 'internal'), [0, 0, 7], T - 10 * STEP),
    series(group('regressed', 'internal'), [0, 0, 0, 0, 1]),
  ]);
  let state = mute(EMPTY_ERROR_GROUPS, 'muted', new Date(T));
  state = resolve(state, 'resolved', new Date(T));
  state = resolve(state, 'regressed', new Date(T + STEP));

  it('puts regressions first, then open groups by count, then muted, then resolved', () => {
    expect(classifyGroups(groups, state, now).map((g) => [g.fingerprint, g.status])).toEqual([
      ['regressed', 'regressed'],
      ['open-big', 'open'],
      ['open-small', 'open'],
      ['muted', 'muted'],
      ['resolved', 'resolved'],
    ]);
  });
});

const errorLine = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: 'error',
    time: T,
    msg: 'order 17 not found',
    event_kind: 'error',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    http_route: '/orders/:id',
    error_type: 'not_found',
    fingerprint: 'aaa',
    error_class: 'NotFoundError',
    http_request_method: 'GET',
    http_response_status_code: '404',
    stack: 'NotFoundError: order 17 not found\n    at load (src/orders.ts:12:5)',
    request: { url_path: '/orders/17', headers: { 'user-agent': 'curl' } },
    ...over,
  });

describe('error event lines', () => {
  it('parses what Pulse ships: message, class, route, stack, request context, trace id', () => {
    expect(parseErrorLine(errorLine(), 0)).toEqual({
      time: T,
      fingerprint: 'aaa',
      message: 'order 17 not found',
      errorClass: 'NotFoundError',
      errorType: 'not_found',
      route: '/orders/:id',
      method: 'GET',
      status: '404',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      stack: 'NotFoundError: order 17 not found\n    at load (src/orders.ts:12:5)',
      cause: undefined,
      request: { url_path: '/orders/17', headers: { 'user-agent': 'curl' } },
      metadata: undefined,
    });
  });

  it('refuses lines that are not JSON objects; falls back to the frame time', () => {
    expect(parseErrorLine('plain text', 1)).toBeUndefined();
    expect(parseErrorLine('[1,2]', 1)).toBeUndefined();
    expect(parseErrorLine(JSON.stringify({ msg: 'x' }), 42)?.time).toBe(42);
  });

  it('reads Loki log frames (Line or body field), newest first, and keeps the newest per fingerprint', () => {
    const frame = createDataFrame({
      refId: 'latest',
      fields: [
        { name: 'Time', type: FieldType.time, values: [T, T + 1000, T + 2000] },
        {
          name: 'Line',
          type: FieldType.string,
          values: [
            errorLine(),
            errorLine({ time: T + 1000, msg: 'newer' }),
            errorLine({ time: T + 2000, fingerprint: 'bbb' }),
          ],
        },
      ],
    });
    const dataplane = createDataFrame({
      fields: [
        { name: 'timestamp', type: FieldType.time, values: [T + 500] },
        { name: 'body', type: FieldType.string, values: [errorLine({ time: T + 500, msg: 'dataplane' })] },
      ],
    });
    const occurrences = errorOccurrences([frame, dataplane]);
    expect(occurrences.map((o) => [o.fingerprint, o.message])).toEqual([
      ['bbb', 'order 17 not found'],
      ['aaa', 'newer'],
      ['aaa', 'dataplane'],
      ['aaa', 'order 17 not found'],
    ]);
    expect(occurrences.map((o) => o.time)).toEqual([T + 2000, T + 1000, T + 500, T]);
    const latest = latestByFingerprint(occurrences);
    expect(latest.get('aaa')?.message).toBe('newer');
    expect(latest.get('bbb')?.time).toBe(T + 2000);
  });
});
