import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ownEndpointMatcher } from './own-endpoints';

describe("Pulse's own endpoint paths", () => {
  const match = ownEndpointMatcher(['/metrics', '/health', '/health/live', '/health/ready']);

  it.each([
    ['/metrics', '/metrics'],
    ['/METRICS', '/metrics'],
    ['/Metrics/', '/metrics'],
    ['/metrics?name[]=x', '/metrics'],
    ['/Health', '/health'],
    ['/HEALTH/LIVE/', '/health/live'],
    ['/health/Ready?verbose=1', '/health/ready'],
    ['/metrics//', undefined],
    ['/metricsx', undefined],
    ['/health/livez', undefined],
    ['/', undefined],
  ])('%s names %s', (url, expected) => {
    expect(match(url)).toBe(expected);
  });

  it.each([
    ['/api/users/1', undefined],
    ['/Health/Live', '/health/live'],
    ['/\u0130ealth', undefined], // non-ASCII: Express folds ASCII letters only
    ['', undefined],
  ])('%s names %s (the first-character shortcut)', (url, expected) => {
    expect(match(url)).toBe(expected);
  });

  it('still finds a path of one character, and paths that start alike', () => {
    const withRoot = ownEndpointMatcher(['/', '/x-status', '/Zeta']);
    expect(withRoot('/')).toBe('/');
    expect(withRoot('/?probe=1')).toBe('/');
    expect(withRoot('/X-STATUS/')).toBe('/x-status');
    expect(withRoot('/zeta')).toBe('/Zeta');
    expect(withRoot('/api')).toBeUndefined();
  });

  it('costs no more than a scan for the query on a hostile 64 KB URL', () => {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    for (let i = 0; i < 100; i++) {
      expect(match('/METRICS' + 'A'.repeat(65_536))).toBeUndefined();
      expect(match('/' + '/'.repeat(65_536))).toBeUndefined();
      expect(match('/health?' + 'x'.repeat(65_536))).toBe('/health');
    }
    delay.disable();
    expect(delay.max / 1e6).toBeLessThan(20);
  });
});
