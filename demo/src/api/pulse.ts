import { createPulse, type Pulse } from '@pulse-apm/exporter';
import pg from 'pg';
import { Registry } from 'prom-client';

// Pulse for the demo API, every signal on. Kept apart from the routes so the options read as
// the documentation of what the demo shows. pg is patched on its prototypes, so a pool created
// before createPulse() is measured too.

export interface DemoPulseOptions {
  env: string;
  paymentsUrl: string;
  lokiUrl?: string;
  /** Milliseconds between health check runs. */
  healthIntervalMs: number;
  /** Queries at or above this duration are slow_query events. */
  slowQueryMs: number;
  captureUncaught: boolean;
  /** The app's pool: checked by the critical `postgres` health check. */
  pool: pg.Pool;
}

/** `deps.names` key of a URL: `host:port` when the port is explicit, else the host. */
export function dependencyHostKey(url: string): string {
  const u = new URL(url);
  return (u.port === '' ? u.hostname : `${u.hostname}:${u.port}`).toLowerCase();
}

export function createDemoPulse(o: DemoPulseOptions): Pulse {
  return createPulse({
    serviceName: 'demo',
    env: o.env,
    // Its own registry: payments may run in the same process (`npm run demo`) with its own Pulse.
    metrics: { registry: new Registry() },
    db: {
      pg, // this copy, wherever the working directory is
      slowQueries: { thresholdMs: o.slowQueryMs, caller: true },
      nPlusOne: { threshold: 5 },
    },
    deps: { names: { [dependencyHostKey(o.paymentsUrl)]: 'payments' } },
    health: {
      interval: o.healthIntervalMs,
      timeout: 2_000,
      checks: {
        postgres: { pool: o.pool, critical: true },
        // Strict on purpose: payments degraded (207) or down (503) degrades the demo, never takes it down.
        http: {
          name: 'payments',
          url: new URL('/health', o.paymentsUrl).toString(),
          expectedStatus: [200],
          critical: false,
        },
        disk: { critical: false },
      },
    },
    logs: o.lokiUrl ? { loki: { url: o.lokiUrl }, signals: [] } : { signals: [] },
    errors: { captureUncaught: o.captureUncaught, slowRequestSeconds: 0.5 },
  });
}
