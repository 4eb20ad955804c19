import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Pulse } from '@pulse-apm/exporter';

// The payments service the demo depends on: random latency, random failures at a configurable
// rate, test cards with fixed outcomes (as real processors have), and an outage switch that
// also fails its `processor` health check.

/** Test cards with a fixed outcome; any other 12–19 digit number succeeds (unless a random failure hits). */
export const TEST_CARDS = {
  /** 402 card_declined */
  declined: '4000000000000002',
  /** 500 processing_error (thrown: a captured error in payments) */
  processingError: '4000000000000119',
  /** answers after 3 s: longer than the demo's 2 s timeout */
  slow: '4000000000000259',
} as const;

export const SLOW_CARD_DELAY_MS = 3_000;

export interface PaymentsBehaviour {
  /** Share of charges that fail with 503 (0–1). */
  failureRate: number;
  /** Latency of a charge: a fixed number of ms, or [min, max] drawn uniformly. */
  latencyMs: number | [number, number];
}

export interface PaymentsState extends PaymentsBehaviour {
  /** Date.now() until which the processor is down (charges 503, critical `processor` check unhealthy). */
  outageUntil: number;
  /**
   * Date.now() until which settlement lags (charges still work; the non-critical `settlement`
   * check fails, so /health answers 207 degraded while /health/ready stays 200).
   */
  degradedUntil: number;
}

export function validateBehaviour(o: Partial<PaymentsBehaviour>): PaymentsBehaviour {
  const failureRate = o.failureRate ?? 0.05;
  if (typeof failureRate !== 'number' || !(failureRate >= 0 && failureRate <= 1)) {
    throw new Error(`failureRate: expected a number from 0 to 1, got ${String(failureRate)}`);
  }
  const latencyMs = o.latencyMs ?? [20, 250];
  const [min, max] = Array.isArray(latencyMs) ? latencyMs : [latencyMs, latencyMs];
  if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && max >= min && max <= 60_000)) {
    throw new Error(
      `latencyMs: expected ms from 0 to 60000 or [min, max] with min ≤ max, got ${JSON.stringify(latencyMs)}`,
    );
  }
  return { failureRate, latencyMs };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function drawLatency(latency: PaymentsBehaviour['latencyMs']): number {
  if (!Array.isArray(latency)) return latency;
  const [min, max] = latency;
  return min + Math.random() * (max - min);
}

/** Remembered charges, bounded (oldest dropped): GET /charges/:id reads them. */
const MAX_CHARGES = 10_000;

export function createPaymentsApp(pulse: Pulse, state: PaymentsState): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pulse.middleware());
  app.use(express.json({ limit: '16kb' }));
  const charges = new Map<string, { amount_cents: number; order_id: number; at: string }>();

  app.post('/charge', async (req, res, next) => {
    try {
      const { amount_cents: amount, order_id: orderId, card } = req.body ?? {};
      if (!Number.isInteger(amount) || amount < 1) {
        res.status(422).json({ error: 'amount_cents: expected a positive integer' });
        return;
      }
      if (typeof card !== 'string' || !/^\d{12,19}$/.test(card)) {
        res.status(422).json({ error: 'card: expected 12–19 digits' });
        return;
      }
      await pause(card === TEST_CARDS.slow ? SLOW_CARD_DELAY_MS : drawLatency(state.latencyMs));
      if (Date.now() < state.outageUntil) {
        res.status(503).json({ error: 'processor_unavailable' });
        return;
      }
      if (card === TEST_CARDS.declined) {
        res.status(402).json({ error: 'card_declined' });
        return;
      }
      if (card === TEST_CARDS.processingError) throw new Error('processor rejected the batch: checksum mismatch');
      if (Math.random() < state.failureRate) {
        res.status(503).json({ error: 'processor_busy' });
        return;
      }
      const id = `ch_${randomUUID()}`;
      charges.set(id, { amount_cents: amount, order_id: Number(orderId), at: new Date().toISOString() });
      if (charges.size > MAX_CHARGES) charges.delete(charges.keys().next().value as string);
      res.status(201).json({ id, status: 'succeeded' });
    } catch (err) {
      next(err);
    }
  });

  app.get('/charges/:chargeId', (req, res) => {
    const charge = charges.get(req.params.chargeId);
    if (!charge) res.status(404).json({ error: 'no such charge' });
    else res.json({ id: req.params.chargeId, ...charge });
  });

  // The switches (the traffic generator's error spikes and the tests use them): an outage, or
  // only degraded (`{"mode": "degraded"}`); DELETE ends both.
  app.post('/admin/outage', (req, res) => {
    const seconds = Number(req.body?.seconds ?? 30);
    if (!(seconds > 0 && seconds <= 86_400)) {
      res.status(422).json({ error: 'seconds: expected a number from 0 to 86400' });
      return;
    }
    const mode = req.body?.mode ?? 'outage';
    if (mode !== 'outage' && mode !== 'degraded') {
      res.status(422).json({ error: 'mode: expected "outage" or "degraded"' });
      return;
    }
    const until = Date.now() + seconds * 1000;
    if (mode === 'outage') state.outageUntil = until;
    else state.degradedUntil = until;
    res.json({ mode, until: new Date(until).toISOString() });
  });
  app.delete('/admin/outage', (_req, res) => {
    state.outageUntil = 0;
    state.degradedUntil = 0;
    res.status(204).end();
  });

  app.use(pulse.errorHandler());
  app.use(((err, _req, res, _next) => {
    res.status(500).json({ error: 'processing_error', message: (err as Error).message });
  }) as express.ErrorRequestHandler);
  pulse.mount(app);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}
