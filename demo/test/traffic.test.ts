import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTraffic } from '../src/traffic/generator';
import { planRequest } from '../src/traffic/mix';
import { DEFAULT_SCHEDULE, dailyLoad, phaseAt, resolveSchedule } from '../src/traffic/schedule';
import { TrafficTargetError, allowedTargetsFromEnv, checkTrafficTarget } from '../src/traffic/targets';
import { driveBurst } from '../src/traffic/burst';

describe('traffic targets', () => {
  it.each(['http://127.0.0.1:3000', 'http://localhost:3000', 'http://127.1.2.3', 'http://[::1]:3000'])(
    'accepts the loopback target %s',
    (url) => {
      expect(checkTrafficTarget(url, [])).toBe(new URL(url).origin);
    },
  );

  it.each(['http://demo:3000', 'http://10.0.0.5:3000', 'https://example.com', 'http://127.0.0.1.nip.io:3000'])(
    'refuses the unlisted target %s, saying how to allow it',
    (url) => {
      expect(() => checkTrafficTarget(url, [])).toThrow(TrafficTargetError);
      expect(() => checkTrafficTarget(url, [])).toThrow(`TRAFFIC_TARGET=${new URL(url).origin}`);
    },
  );

  it('accepts exactly the listed origins (TRAFFIC_TARGET)', () => {
    const allowed = allowedTargetsFromEnv({ TRAFFIC_TARGET: 'http://demo:3000, http://demo-2:3000/' });
    expect(allowed).toEqual(['http://demo:3000', 'http://demo-2:3000']);
    expect(checkTrafficTarget('http://demo:3000/api', allowed)).toBe('http://demo:3000');
    expect(() => checkTrafficTarget('http://demo:3001', allowed)).toThrow(TrafficTargetError);
    expect(() => checkTrafficTarget('http://evil.example:3000', allowed)).toThrow(/listed: http:\/\/demo:3000/);
  });

  it('rejects non-http targets and bad TRAFFIC_TARGET values', () => {
    expect(() => checkTrafficTarget('ftp://127.0.0.1', [])).toThrow(/only http\(s\)/);
    expect(() => allowedTargetsFromEnv({ TRAFFIC_TARGET: 'demo:3000' })).toThrow(/TRAFFIC_TARGET/);
  });

  it('startTraffic and driveBurst refuse an unlisted target before sending anything', async () => {
    expect(() => startTraffic('http://192.0.2.1:3000', { allowedTargets: [] })).toThrow(TrafficTargetError);
    await expect(driveBurst('http://192.0.2.1:3000', { allowedTargets: [] })).rejects.toThrow(TrafficTargetError);
  });
});

describe('the compressed day', () => {
  const o = resolveSchedule({ dayLengthMs: 240_000, startTimeOfDay: 0 });

  it('is quiet at night and peaks in the morning and the evening', () => {
    const at = (hour: number) => dailyLoad(hour / 24);
    expect(at(3)).toBeLessThan(0.15);
    expect(at(10)).toBeGreaterThan(0.6);
    expect(at(19)).toBeGreaterThan(at(10));
    expect(at(14)).toBeLessThan(at(10));
  });

  it('spikes errors periodically (not at start) and has one slow period per day', () => {
    const spikes = [0, 5_000, 90_000, 95_000, 100_000, 180_000].map((t) => phaseAt(t, o).errorSpike);
    expect(spikes).toEqual([false, false, true, true, false, true]);
    const slow = Array.from({ length: 240 }, (_, s) => phaseAt(s * 1000, o).slow);
    expect(slow.filter(Boolean).length).toBe(24); // 10 % of the day
    expect(phaseAt(0.65 * 240_000, o).slow).toBe(true);
    expect(phaseAt(0.65 * 240_000 + 240_000, o).slow).toBe(true); // the next day too
  });

  it('shifts the mix: searches dominate the slow period, failing requests the spikes', () => {
    let r = 1;
    const rnd = () => ((r = (r * 16807) % 2147483647) - 1) / 2147483646; // seeded
    const share = (phase: ReturnType<typeof phaseAt>, match: RegExp) => {
      let n = 0;
      for (let i = 0; i < 2000; i++) if (match.test(planRequest(phase, rnd).path)) n++;
      return n / 2000;
    };
    const normal = { timeOfDay: 0.4, requestsPerSecond: 10, errorSpike: false, slow: false };
    expect(share({ ...normal, slow: true }, /search/)).toBeGreaterThan(4 * share(normal, /search/));
    const failing = /reports|recommendations/;
    expect(share({ ...normal, errorSpike: true }, failing)).toBeGreaterThan(3 * share(normal, failing));
  });

  it('names the bad option', () => {
    expect(() => resolveSchedule({ peakRequestsPerSecond: 5000 })).toThrow(/peakRequestsPerSecond/);
    expect(() => resolveSchedule({ slowPeriod: [0.8, 0.2] })).toThrow(/slowPeriod/);
    expect(DEFAULT_SCHEDULE.startTimeOfDay).toBeGreaterThan(0.25); // a fresh demo is busy at once
  });
});

describe('the generator', () => {
  it('sends at the scheduled rate, never more in flight than allowed, and stops cleanly', async () => {
    let inFlight = 0;
    let maxSeen = 0;
    let received = 0;
    const server = http.createServer((req, res) => {
      inFlight++;
      maxSeen = Math.max(maxSeen, inFlight);
      received++;
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end('{}');
      }, 50);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let responses = 0;
    // Flat day (start at the evening peak): 40 requests/s for ~1.5 s.
    const stop = startTraffic(url, {
      peakRequestsPerSecond: 40,
      startTimeOfDay: 19 / 24,
      dayLengthMs: 86_400_000,
      maxInFlight: 3,
      onResponse: () => responses++,
    });
    await new Promise((r) => setTimeout(r, 1_500));
    await stop();
    const afterStop = received;
    await new Promise((r) => setTimeout(r, 300));
    await new Promise<void>((r) => server.close(() => r()));
    expect(maxSeen).toBeLessThanOrEqual(3);
    expect(received).toBe(afterStop); // nothing after stop()
    expect(received).toBeGreaterThan(20); // ~3 in flight × 50 ms ≈ up to 60/s, capped by 40/s
    expect(received).toBeLessThan(75);
    expect(responses).toBe(received);
  });

  it('stops by itself after maxRequests', async () => {
    let received = 0;
    const server = http.createServer((req, res) => {
      received++;
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stop = startTraffic(url, { peakRequestsPerSecond: 100, startTimeOfDay: 19 / 24, maxRequests: 7 });
    await new Promise((r) => setTimeout(r, 800));
    await stop();
    await new Promise<void>((r) => server.close(() => r()));
    expect(received).toBe(7);
  });
});
