import { createPulse } from '@pulse-apm/exporter';
import { Registry } from 'prom-client';
import { listen } from '../listen';
import { createPaymentsApp, validateBehaviour, type PaymentsBehaviour, type PaymentsState } from './app';

export interface PaymentsOptions extends Partial<PaymentsBehaviour> {
  /** Default 0: any free port (the CLI defaults to 4000). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  env?: string;
  lokiUrl?: string;
  /** Milliseconds between runs of its health checks. Default 2000. */
  healthIntervalMs?: number;
  captureUncaught?: boolean;
}

export interface RunningPayments {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  /** Live behaviour: change failureRate, latencyMs or outageUntil while it runs. */
  state: PaymentsState;
  stop(): Promise<void>;
}

/** Starts the payments service with its own Pulse (`serviceName: 'payments'`). */
export async function startPayments(options: PaymentsOptions = {}): Promise<RunningPayments> {
  const state: PaymentsState = { ...validateBehaviour(options), outageUntil: 0, degradedUntil: 0 };
  const healthIntervalMs = options.healthIntervalMs ?? 2_000;
  const pulse = createPulse({
    serviceName: 'payments',
    env: options.env ?? process.env.PULSE_ENV ?? 'demo',
    // Own registry, and no dependency tracking: in `npm run demo` it shares the process (and its
    // diagnostics channels) with the demo, whose outgoing calls are the demo's to measure.
    metrics: { registry: new Registry() },
    deps: { enabled: false },
    health: {
      interval: healthIntervalMs,
      timeout: 2_000,
      checks: { memory: true, eventLoop: true },
    },
    logs: options.lokiUrl ? { loki: { url: options.lokiUrl }, signals: [] } : { signals: [] },
    errors: { captureUncaught: options.captureUncaught ?? false },
  });
  pulse.health.add({
    name: 'processor',
    critical: true,
    check: () =>
      Date.now() < state.outageUntil
        ? { status: 'unhealthy', message: 'card processor outage' }
        : { status: 'healthy' },
  });
  pulse.health.add({
    name: 'settlement',
    critical: false,
    check: () =>
      Date.now() < state.degradedUntil
        ? { status: 'unhealthy', message: 'settlement batch lagging' }
        : { status: 'healthy' },
  });
  const app = createPaymentsApp(pulse, state);
  const server = await listen(app, options.port ?? 0, options.host ?? '127.0.0.1');
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: server.baseUrl,
    port: server.port,
    state,
    stop() {
      stopping ??= (async () => {
        await server.close();
        await pulse.shutdown();
      })();
      return stopping;
    },
  };
}
