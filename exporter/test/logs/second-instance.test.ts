/**
 * A second createPulse() on the registry the first one uses throws (two would double-count). It
 * must fail before it starts anything: no shipping thread, no process listeners, no start event.
 */
import { Registry } from 'prom-client';
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { pulseShippingTo, sleep } from './helpers';

let loki: LokiReceiver;
let first: Pulse | undefined;

beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await first?.shutdown();
  first = undefined;
  await loki.stop();
});

const resources = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  delete counts.Timeout; // jest's and the receiver's timers come and go
  delete counts.TTYWrap;
  return counts;
};
const listeners = () => ({
  exit: process.listenerCount('exit'),
  SIGTERM: process.listenerCount('SIGTERM'),
  SIGINT: process.listenerCount('SIGINT'),
  uncaughtExceptionMonitor: process.listenerCount('uncaughtExceptionMonitor'),
});

test('a second createPulse() on the same registry fails without a worker, listeners or a start event', async () => {
  const registry = new Registry();
  const options = {
    metrics: { registry, defaultMetrics: false },
    logs: { signals: ['SIGTERM' as const, 'SIGINT' as const] },
    errors: { captureUncaught: true },
  };
  first = pulseShippingTo(loki, options);
  await loki.waitFor((e) => e.some((x) => x.labels.event_kind === 'lifecycle'));
  await sleep(200);
  const before = { resources: resources(), listeners: listeners() };

  expect(() => pulseShippingTo(loki, options)).toThrow(/another Pulse instance/);
  await sleep(500); // a thread or a start event would have shown by now

  expect({ resources: resources(), listeners: listeners() }).toEqual(before);
  expect(loki.events().filter((e) => e.json.lifecycle_phase === 'start')).toHaveLength(1);
});
