/**
 * `pulse.logger` is the app's: whatever fields a line carries, it must not pose as one of Pulse's
 * own events in Loki (an `error` or a crash `lifecycle` event, which alerts and the error views
 * read). Fields Pulse reserves are shipped as `app_<field>` and counted.
 */
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { counterTotal, pulseShippingTo } from './helpers';

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

test('an app log line that sets event_kind, level and error fields stays an app log line', async () => {
  pulse = pulseShippingTo(loki);
  await loki.waitFor((e) => e.length >= 1); // start event
  pulse.logger.warn(
    {
      event_kind: 'error',
      level: 'fatal',
      fingerprint: 'deadbeef',
      error_type: 'TypeError',
      lifecycle_phase: 'stop',
      lifecycle_reason: 'crash',
      service_name: 'payments',
      order: 42,
    },
    'fake crash',
  );
  pulse.logger.child({ event_kind: 'lifecycle', lifecycle_reason: 'crash' }).child({ step: 2 }).info('child line');
  await loki.waitFor((e) => e.filter((x) => x.labels.event_kind === 'log').length >= 2);

  const lines = loki.events().filter((e) => e.json.msg === 'fake crash' || e.json.msg === 'child line');
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    expect(line.labels.event_kind).toBe('log');
    expect(line.labels.service_name).toBe('pulse-test');
    expect(line.metadata.fingerprint).toBeUndefined();
    expect(line.metadata.lifecycle_reason).toBeUndefined();
  }
  const crash = lines.find((e) => e.json.msg === 'fake crash')!;
  expect(crash.labels.level).toBe('warn');
  expect(crash.json).toMatchObject({
    app_event_kind: 'error',
    app_level: 'fatal',
    app_fingerprint: 'deadbeef',
    app_error_type: 'TypeError',
    app_service_name: 'payments',
    order: 42,
  });
  const child = lines.find((e) => e.json.msg === 'child line')!;
  expect(child.json).toMatchObject({ app_event_kind: 'lifecycle', app_lifecycle_reason: 'crash', step: 2 });

  // Nothing but the start event is a Pulse event.
  expect(
    loki
      .entries()
      .filter((e) => e.labels.event_kind !== 'log')
      .map((e) => e.labels.event_kind),
  ).toEqual(['lifecycle']);
  expect(counterTotal(pulse, 'pulse_log_fields_renamed_total')).toBe(9);
  expect(counterTotal(pulse, 'pulse_log_fields_renamed_total', { field: 'event_kind' })).toBe(2);
});
