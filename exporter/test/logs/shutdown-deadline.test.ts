/**
 * `pulse.shutdown()` keeps its deadline (`logs.shutdownTimeoutMs`) even when Loki takes the
 * connection and never answers (a blackholed push): the app's own shutdown waits on it.
 */
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { eventually, logOutcomes, pulseShippingTo } from './helpers';

let loki: LokiReceiver;
let pulse: Pulse | undefined;

beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await pulse?.shutdown();
  pulse = undefined;
  await loki.stop();
});

test.each([300, 1000, 2000])(
  'shutdown with a blackholed Loki returns within shutdownTimeoutMs=%d + 250 ms',
  async (timeoutMs) => {
    pulse = pulseShippingTo(loki, {
      logs: { shutdownTimeoutMs: timeoutMs },
      loki: { timeoutMs: 10_000 },
      runtime: { enabled: true },
      health: { enabled: true, checks: { disk: true, memory: true, eventLoop: true } },
      errors: { captureUncaught: true },
    });
    await loki.waitFor((e) => e.length >= 1); // start event
    loki.respond(() => ({ status: 204, delayMs: 60_000 })); // takes the request, never answers in time
    for (let i = 0; i < 20; i++) pulse.capture({ type: 'last', metadata: { i } });
    await eventually(() => loki.requests.length >= 2, 5000, 'the push of the 20 on the wire');
    const started = performance.now();
    await pulse.shutdown();
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(took).toBeLessThan(timeoutMs + 250);
    // The push on the wire got no answer by the deadline: Loki may have stored it (unknown);
    // the stop event, still queued, was never sent.
    expect(logOutcomes(pulse).unknown).toEqual({ timeout_unconfirmed: 20 });
    expect(logOutcomes(pulse).dropped).toEqual({ shutdown: 1 });
  },
);

test.each([300, 1000])(
  'shutdown right after createPulse (thread still starting), Loki blackholed: within %d ms + 250 ms',
  async (timeoutMs) => {
    loki.respond(() => ({ status: 204, delayMs: 60_000 }));
    pulse = pulseShippingTo(loki, { logs: { shutdownTimeoutMs: timeoutMs }, loki: { timeoutMs: 10_000 } });
    for (let i = 0; i < 20; i++) pulse.capture({ type: 'early', metadata: { i } });
    const started = performance.now();
    await pulse.shutdown();
    const took = performance.now() - started;
    expect(took).toBeLessThan(timeoutMs + 250);
  },
);
