import type { Pulse } from '@pulse-apm/exporter';
import { createDemoApp } from './api/app';
import { createDemoPulse } from './api/pulse';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres';
import { POOL_SIZE, createPool } from './db/pool';
import { assertSchemaName, dropSchema, ensureSchema } from './db/schema';
import { listen } from './listen';
import { driveBurst } from './traffic/burst';
import { startTraffic, type TrafficOptions } from './traffic/generator';

export interface DemoOptions {
  /** Default 0: any free port (the CLI defaults to 3000). */
  port?: number;
  /** Default 127.0.0.1 (the Docker image sets HOST=0.0.0.0). */
  host?: string;
  /** A PostgreSQL URL; without one an embedded PGlite is started (and stopped with the demo). */
  databaseUrl?: string;
  /** Schema of the demo's tables; default `public` (the only one with the embedded database). Tests use their own and drop it on stop. */
  schema?: string;
  /** Drop `schema` on stop (never `public`). Default false. */
  dropSchemaOnStop?: boolean;
  /** Base URL of the payments service. */
  paymentsUrl: string;
  /** Loki base URL: events ship there; JSON lines on stdout otherwise. */
  lokiUrl?: string;
  /** Run the traffic generator against the demo itself. Default false. */
  traffic?: boolean | Omit<TrafficOptions, 'allowedTargets'>;
  /** Default PULSE_ENV or `demo`. */
  env?: string;
  /** Default 5000 ms. */
  healthIntervalMs?: number;
  /** Slow query threshold. Default 100 ms. */
  slowQueryMs?: number;
  /** Payments call timeout. Default 2000 ms. */
  paymentsTimeoutMs?: number;
  /** Record uncaught exceptions (the CLI turns it on). Default false. */
  captureUncaught?: boolean;
}

export interface RunningDemo {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  /** The database it uses (the embedded one's URL when none was given). */
  databaseUrl: string;
  schema: string;
  embedded: boolean;
  pulse: Pulse;
  /** Stops traffic, the server, Pulse, the pool and the embedded database; idempotent. */
  stop(): Promise<void>;
}

/** Starts the demo API: database (embedded unless given), schema and seed, Pulse, HTTP server. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const schema = options.schema ?? 'public';
  assertSchemaName(schema);
  if (options.databaseUrl === undefined && schema !== 'public') {
    // PGlite's socket server ignores the start-up search_path; a fresh in-memory database needs no schema anyway.
    throw new Error(
      `schema: the embedded database uses the public schema; got ${JSON.stringify(schema)} without databaseUrl`,
    );
  }
  if (typeof options.paymentsUrl !== 'string' || !/^https?:\/\/[^/\s]+/.test(options.paymentsUrl)) {
    throw new Error(`paymentsUrl: expected an http(s) URL, got ${JSON.stringify(options.paymentsUrl)}`);
  }
  const cleanups: (() => Promise<void>)[] = [];
  const unwind = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    let embedded: EmbeddedPostgres | undefined;
    if (options.databaseUrl === undefined) {
      embedded = await startEmbeddedPostgres({ maxConnections: POOL_SIZE });
      cleanups.push(() => embedded!.stop());
    }
    const databaseUrl = options.databaseUrl ?? embedded!.url;

    const pool = createPool(databaseUrl, schema);
    cleanups.push(() => pool.end());
    await ensureSchema(pool, schema);
    if (options.dropSchemaOnStop && schema !== 'public') cleanups.push(() => dropSchema(pool, schema));

    const pulse = createDemoPulse({
      env: options.env ?? process.env.PULSE_ENV ?? 'demo',
      paymentsUrl: options.paymentsUrl,
      lokiUrl: options.lokiUrl,
      healthIntervalMs: options.healthIntervalMs ?? 5_000,
      slowQueryMs: options.slowQueryMs ?? 100,
      captureUncaught: options.captureUncaught ?? false,
      pool,
    });
    cleanups.push(() => pulse.shutdown());

    const app = createDemoApp({
      pulse,
      pool,
      paymentsUrl: options.paymentsUrl,
      paymentsTimeoutMs: options.paymentsTimeoutMs,
    });
    const server = await listen(app, options.port ?? 0, options.host ?? '127.0.0.1');
    cleanups.push(() => server.close());

    if (options.traffic) {
      // One pass over every route first, so every signal has data within seconds, not minutes.
      const warmUp = driveBurst(server.baseUrl).catch(() => []);
      cleanups.push(async () => void (await warmUp));
      const stopTraffic = startTraffic(server.baseUrl, options.traffic === true ? {} : options.traffic);
      cleanups.push(stopTraffic);
    }

    let stopping: Promise<void> | undefined;
    return {
      baseUrl: server.baseUrl,
      port: server.port,
      databaseUrl,
      schema,
      embedded: embedded !== undefined,
      pulse,
      stop: () => (stopping ??= unwind()),
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
