import { classifyTargets, targetsSummary } from './targetStatus';

const up = (instance: string, value: number) => ({ instance, value });

describe('classifyTargets', () => {
  it('an instance reporting now is up', () => {
    expect(classifyTargets({ up: [up('a:1', 1)], seen: [up('a:1', 1)], gracefulStops: 0, crashes: 0 })).toEqual([
      { instance: 'a:1', verdict: 'up', detail: 'Reporting' },
    ]);
  });

  it('seen in the range, absent now, no graceful stop: server lost (no longer scraped)', () => {
    const [s] = classifyTargets({ up: [], seen: [up('a:1', 1)], gracefulStops: 0, crashes: 0 });
    expect(s).toMatchObject({ instance: 'a:1', verdict: 'lost' });
    expect(s!.detail).toMatch(/no longer scraped/);
  });

  it('up == 0 with no graceful stop: server lost (scrape failing)', () => {
    const [s] = classifyTargets({ up: [up('a:1', 0)], seen: [up('a:1', 1)], gracefulStops: 0, crashes: 0 });
    expect(s).toMatchObject({ verdict: 'lost' });
    expect(s!.detail).toMatch(/up == 0/);
  });

  it('a graceful stop logged by the service explains a stopped instance (a rollout)', () => {
    expect(classifyTargets({ up: [up('a:1', 0)], seen: [], gracefulStops: 1, crashes: 0 })[0]!.verdict).toBe('stopped');
    expect(classifyTargets({ up: [], seen: [up('a:1', 1)], gracefulStops: 2, crashes: 0 })[0]!.verdict).toBe('stopped');
  });

  it('a crash wins over a graceful stop for an instance that stopped reporting', () => {
    expect(classifyTargets({ up: [], seen: [up('a:1', 1)], gracefulStops: 1, crashes: 1 })[0]!.verdict).toBe('crashed');
  });

  it('instances that still report stay up whatever the lifecycle events say', () => {
    const out = classifyTargets({
      up: [up('a:1', 1), up('b:1', 1)],
      seen: [up('a:1', 1), up('b:1', 1), up('c:1', 1)],
      gracefulStops: 0,
      crashes: 3,
    });
    expect(out.map((s) => [s.instance, s.verdict])).toEqual([
      ['a:1', 'up'],
      ['b:1', 'up'],
      ['c:1', 'crashed'],
    ]);
  });
});

describe('targetsSummary', () => {
  it('names lost servers first, then graceful stops; all up otherwise', () => {
    const lost = classifyTargets({ up: [up('a:1', 1)], seen: [up('b:1', 1)], gracefulStops: 0, crashes: 0 });
    expect(targetsSummary(lost)).toEqual({ severity: 'error', text: 'Server lost: b:1' });
    const stopped = classifyTargets({ up: [up('a:1', 1)], seen: [up('b:1', 1)], gracefulStops: 1, crashes: 0 });
    expect(targetsSummary(stopped)).toEqual({ severity: 'info', text: 'Stopped gracefully: b:1' });
    expect(targetsSummary(classifyTargets({ up: [up('a:1', 1)], seen: [], gracefulStops: 0, crashes: 0 }))).toEqual({
      severity: 'success',
      text: 'All 1 instance(s) reporting',
    });
    expect(targetsSummary([]).severity).toBe('info');
  });
});
