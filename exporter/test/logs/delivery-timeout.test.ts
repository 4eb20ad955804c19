/**
 * A push Loki stored but answered late (or never) is not a lost push. Against a receiver that
 * stores a push and then stalls its answer: a late 2xx counts the batch as sent, once, with no
 * resend while the answer is awaited; a batch never confirmed by shutdown is counted as
 * `unknown`/`timeout_unconfirmed`, not dropped, and every resend is byte-identical (same stream,
 * timestamps, lines), which Loki ignores as an exact duplicate. A plain 500 is still retried and
 * dropped when the retry budget runs out.
 */
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver, PushRequestInfo } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { eventually, logOutcomes, pulseShippingTo, total } from './helpers';

jest.setTimeout(30_000);

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

const customEvents = (type: string) => loki.events().filter((e) => e.json.event_type === type);
/** The pushes that carried events of this custom type. */
const pushesOf = (type: string): PushRequestInfo[] =>
  loki.requests.filter((r) => r.pushed?.some((e) => e.line.includes(`"event_type":"${type}"`)));

function seriesValue(p: Pulse, outcome: string, reason: string): number | undefined {
  const series = p.registry.get('pulse_log_events_total')?.series ?? [];
  const s = series.find((x) => x.labelValues[0] === outcome && x.labelValues[1] === reason);
  return s === undefined ? undefined : (s as unknown as { value: number }).value;
}

test('a push stored by Loki and answered after timeoutMs counts as sent once, without a resend', async () => {
  pulse = pulseShippingTo(loki, { loki: { timeoutMs: 500 } });
  await loki.waitFor((e) => e.length >= 1); // start event, answered at once
  // Stored at once, answered 750 ms later: past timeoutMs, within the wait for a late answer.
  loki.respond(() => ({ status: 204, delayMs: 750, storeFirst: true }));
  for (let i = 0; i < 10; i++) pulse.capture({ type: 'late', metadata: { i } });

  await eventually(() => logOutcomes(pulse!).sent.ok === 11, 10_000, 'the late batch counted as sent');
  expect(pushesOf('late')).toHaveLength(1); // not resent while its answer was awaited
  expect(pushesOf('late')[0]!.status).toBe(204);
  expect(customEvents('late')).toHaveLength(10);
  const outcomes = logOutcomes(pulse);
  expect(outcomes.dropped).toEqual({});
  expect(outcomes.retried).toEqual({});
  expect(outcomes.unknown).toBeUndefined();
});

test('a push stored by Loki and never answered before shutdown is counted unknown, not dropped; resends are byte-identical', async () => {
  pulse = pulseShippingTo(loki, { loki: { timeoutMs: 200 }, logs: { shutdownTimeoutMs: 1000 } });
  await loki.waitFor((e) => e.length >= 1);
  loki.respond(() => ({ status: 204, delayMs: 60_000, storeFirst: true })); // stores, never answers in time
  for (let i = 0; i < 10; i++) pulse.capture({ type: 'stalled', metadata: { i } });
  // The first push is abandoned after 200 + 200 ms and the batch resent.
  await eventually(() => pushesOf('stalled').length >= 2, 10_000, 'a resend of the stalled batch');
  await pulse.shutdown();

  const outcomes = logOutcomes(pulse);
  expect(outcomes.unknown).toEqual({ timeout_unconfirmed: 10 });
  expect(outcomes.dropped).toEqual({ shutdown: 1 }); // the stop event, queued behind the stalled batch
  expect(outcomes.sent).toEqual({ ok: 1 }); // the start event
  expect(outcomes.retried.network).toBeGreaterThanOrEqual(10);
  expect(total(outcomes.sent) + total(outcomes.dropped) + total(outcomes.unknown!)).toBe(12);

  // Loki stored each event once: every resend carried the same bytes, hence the same
  // stream, nanosecond timestamps and lines, which Loki ignores as exact duplicates.
  expect(customEvents('stalled')).toHaveLength(10);
  const pushes = pushesOf('stalled');
  expect(pushes.length).toBeGreaterThanOrEqual(2);
  for (const push of pushes) {
    expect(push.rawBody!.equals(pushes[0]!.rawBody!)).toBe(true);
    expect(push.pushed).toEqual(pushes[0]!.pushed);
  }
  expect(pushes[0]!.pushed).toHaveLength(10);
  expect(new Set(pushes[0]!.pushed!.map((e) => e.tsNs)).size).toBe(10);
});

test('a push answered 500 is retried, then dropped when the retry budget runs out (never unknown)', async () => {
  pulse = pulseShippingTo(loki, { loki: { maxRetries: 2, minBackoffMs: 100, maxBackoffMs: 200 } });
  await loki.waitFor((e) => e.length >= 1);
  // The unknown outcome is exposed at 0 from the start, like every outcome the catalog lists.
  expect(seriesValue(pulse, 'unknown', 'timeout_unconfirmed')).toBe(0);
  loki.respond(() => ({ status: 500, body: 'internal error' }));
  for (let i = 0; i < 5; i++) pulse.capture({ type: 'doomed', metadata: { i } });

  await eventually(() => logOutcomes(pulse!).dropped.retries_exhausted === 5, 10_000, 'the batch dropped');
  expect(pushesOf('doomed').map((r) => r.status)).toEqual([500, 500, 500]);
  const outcomes = logOutcomes(pulse);
  expect(outcomes.retried).toEqual({ server_error: 10 });
  expect(outcomes.unknown).toBeUndefined();
  expect(seriesValue(pulse, 'unknown', 'timeout_unconfirmed')).toBe(0);
  expect(customEvents('doomed')).toHaveLength(0);
});
