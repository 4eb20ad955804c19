import { classify, EMPTY_ERROR_GROUPS, mute, parseErrorGroupsState, reopen, resolve, unmute } from './errorGroupState';

const FP = 'a1b2c3d4e5f60718';
const T0 = new Date('2026-11-20T10:00:00.000Z');
const at = (minutes: number) => T0.getTime() + minutes * 60_000;

describe('mute and unmute', () => {
  it('mute records when, by whom and until when; unmute removes only the mute', () => {
    const until = new Date(at(60));
    let s = mute(EMPTY_ERROR_GROUPS, FP, T0, { by: 'alice', until });
    expect(s.groups[FP]).toEqual({ muted: { at: T0.toISOString(), by: 'alice', until: until.toISOString() } });
    s = resolve(s, FP, new Date(at(5)), 'bob');
    s = unmute(s, FP);
    expect(s.groups[FP]).toEqual({ resolved: { at: new Date(at(5)).toISOString(), by: 'bob' } });
  });

  it('an indefinite mute stores no `until` and no undefined keys (jsonData round-trips through JSON)', () => {
    const s = mute(EMPTY_ERROR_GROUPS, FP, T0);
    expect(s.groups[FP]).toEqual({ muted: { at: T0.toISOString() } });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('unmuting the last state of a group drops the group (the state only holds decisions)', () => {
    expect(unmute(mute(EMPTY_ERROR_GROUPS, FP, T0), FP).groups).toEqual({});
    expect(unmute(EMPTY_ERROR_GROUPS, 'never-seen').groups).toEqual({});
  });

  it('refuses a mute that ends in the past and an empty fingerprint, naming the field', () => {
    expect(() => mute(EMPTY_ERROR_GROUPS, FP, T0, { until: new Date(at(-1)) })).toThrow(
      /`until` must be in the future/
    );
    expect(() => mute(EMPTY_ERROR_GROUPS, '', T0)).toThrow(/fingerprint must not be empty/);
  });

  it('never mutates the state it was given', () => {
    const before = mute(EMPTY_ERROR_GROUPS, FP, T0);
    const frozen = JSON.stringify(before);
    resolve(before, FP, new Date(at(1)));
    unmute(before, FP);
    mute(before, 'other', T0);
    expect(JSON.stringify(before)).toBe(frozen);
    expect(EMPTY_ERROR_GROUPS.groups).toEqual({});
  });
});

describe('resolve, reopen and regressions', () => {
  const resolved = resolve(EMPTY_ERROR_GROUPS, FP, new Date(at(10)), 'carol');

  it('a resolved group with no event after the resolve stays resolved', () => {
    expect(classify(resolved.groups[FP], at(5), at(30))).toBe('resolved');
    expect(classify(resolved.groups[FP], undefined, at(30))).toBe('resolved');
  });

  it('an event in a step that starts at or after the resolve is a regression', () => {
    expect(classify(resolved.groups[FP], at(10), at(30))).toBe('regressed');
    expect(classify(resolved.groups[FP], at(11), at(30))).toBe('regressed');
  });

  it('a step that began before the resolve does not count (its events may predate it)', () => {
    expect(classify(resolved.groups[FP], at(10) - 1, at(30))).toBe('resolved');
  });

  it('resolving again moves the mark past the regression', () => {
    const again = resolve(resolved, FP, new Date(at(20)));
    expect(classify(again.groups[FP], at(15), at(30))).toBe('resolved');
    expect(again.groups[FP]!.resolved).toEqual({ at: new Date(at(20)).toISOString() });
  });

  it('reopen turns a resolved or regressed group back to open', () => {
    const reopened = reopen(resolved, FP);
    expect(reopened.groups[FP]).toBeUndefined();
    expect(classify(reopened.groups[FP], at(15), at(30))).toBe('open');
  });

  it('resolve wins over mute, and a regression shows even when the group was muted', () => {
    const both = resolve(mute(EMPTY_ERROR_GROUPS, FP, T0), FP, new Date(at(10)));
    expect(classify(both.groups[FP], at(5), at(30))).toBe('resolved');
    expect(classify(both.groups[FP], at(12), at(30))).toBe('regressed');
  });
});

describe('classify', () => {
  it('no entry is open; an active mute is muted; an expired mute is open again', () => {
    expect(classify(undefined, at(1), at(2))).toBe('open');
    const s = mute(EMPTY_ERROR_GROUPS, FP, T0, { until: new Date(at(60)) });
    expect(classify(s.groups[FP], at(30), at(59))).toBe('muted');
    expect(classify(s.groups[FP], at(30), at(60))).toBe('open');
    expect(classify(mute(EMPTY_ERROR_GROUPS, FP, T0).groups[FP], at(30), at(10_000))).toBe('muted');
  });
});

describe('parseErrorGroupsState (jsonData can hold anything)', () => {
  it('round-trips what the functions write', () => {
    const s = resolve(mute(EMPTY_ERROR_GROUPS, FP, T0, { by: 'a' }), 'other', T0, 'b');
    expect(parseErrorGroupsState(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it.each([undefined, null, 42, 'x', [], { groups: [] }, { groups: 'x' }, { version: 1 }])(
    'treats %p as no state',
    (raw) => {
      expect(parseErrorGroupsState(raw)).toEqual(EMPTY_ERROR_GROUPS);
    }
  );

  it('drops malformed entries and fields one by one, keeping the valid ones', () => {
    const parsed = parseErrorGroupsState({
      groups: {
        good: { resolved: { at: T0.toISOString(), by: 'x' } },
        badTime: { resolved: { at: 'yesterday' } },
        notObject: 'muted',
        '': { muted: { at: T0.toISOString() } },
        halfGood: { muted: { at: T0.toISOString(), until: 'never', by: 7 }, resolved: { at: 3 } },
      },
    });
    expect(parsed).toEqual({
      version: 1,
      groups: {
        good: { resolved: { at: T0.toISOString(), by: 'x' } },
        halfGood: { muted: { at: T0.toISOString() } },
      },
    });
  });
});
