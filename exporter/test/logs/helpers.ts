/**
 * Shared helpers of the logs and errors tests: a Pulse that ships to a Loki receiver with fast
 * batching and retries (the outage itself stays real), and readers for the delivery counters.
 */
import { Registry } from 'prom-client';
import type { PulseOptions } from '../../src/config/options';
import type { Pulse } from '../../src/pulse';
import { createPulse } from '../../src/pulse';
import type { LokiOptions } from '../../src/logs/options';
import type { LokiReceiver } from '../support/loki-receiver';

export const FAST_DELIVERY: Partial<LokiOptions> = {
  batchIntervalMs: 50,
  minBackoffMs: 100,
  maxBackoffMs: 1000,
  maxRetries: 1000,
  timeoutMs: 2000,
};

export function pulseShippingTo(
  loki: LokiReceiver,
  options: Partial<PulseOptions> & { loki?: Partial<LokiOptions> } = {},
): Pulse {
  const { loki: lokiOptions, logs, ...rest } = options;
  return createPulse({
    serviceName: 'pulse-test',
    env: 'test',
    metrics: { defaultMetrics: false, registry: new Registry() },
    runtime: { enabled: false },
    health: { enabled: false },
    ...rest,
    logs: { signals: [], ...logs, loki: { url: loki.url, ...FAST_DELIVERY, ...lokiOptions } },
  });
}

export type Outcomes = Record<'sent' | 'dropped' | 'retried', Record<string, number>> & {
  /** Only present once an event ended unknown (pushed, never confirmed). */
  unknown?: Record<string, number>;
};

/** pulse_log_events_total as { outcome: { reason: value } }. */
export function logOutcomes(pulse: Pulse): Outcomes {
  const out: Outcomes = { sent: {}, dropped: {}, retried: {} };
  const metric = pulse.registry.get('pulse_log_events_total');
  for (const s of metric?.series ?? []) {
    const [outcome, reason] = s.labelValues as [keyof Outcomes, string];
    const value = (s as unknown as { value: number }).value;
    if (value > 0) (out[outcome] ??= {})[reason] = value;
  }
  return out;
}

export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Sum of a counter's series whose labels include `match`. */
export function counterTotal(pulse: Pulse, name: string, match: Record<string, string> = {}): number {
  const metric = pulse.registry.get(name);
  if (metric === undefined) return 0;
  let sum = 0;
  for (const s of metric.series) {
    const ok = Object.entries(match).every(([k, v]) => s.labelValues[metric.def.labelNames.indexOf(k)] === v);
    if (ok) sum += (s as unknown as { value: number }).value;
  }
  return sum;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}
