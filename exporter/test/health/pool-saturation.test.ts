/**
 * A busy pool is not an unhealthy database. A user's Express app (its router in its own module,
 * async handlers) whose pool is saturated by slow queries on the real PostgreSQL and MariaDB:
 * /health/ready stays 200 while the database answers, the check reports the pool's saturation;
 * readiness turns 503 only after `failureThreshold` failed runs in a row when the database goes
 * away (a TCP proxy in front of it is stopped) and 200 again after `successThreshold` runs; the
 * checks' own statements never show in the db metrics.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import type { HealthOptions } from '../../src/health/options';
import { histogramCount } from '../deps/series';
import { listen, type RunningApp } from '../support/app';
import { ordersApp } from './fixtures/orders-app';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface Database {
  kind: 'postgres' | 'mysql';
  system: string;
  target: { host: string; port: number };
  sleepQuery: string;
  db: HealthOptions extends never ? never : object;
  makePool(port: number, appName: string): { pool: object; end(): Promise<unknown>; waiting(): number };
}

const databases: Database[] = [
  {
    kind: 'postgres',
    system: 'postgresql',
    target: PG,
    sleepQuery: 'pg_sleep',
    db: { pg },
    makePool(port, appName) {
      const pool = new pg.Pool({ ...PG, port, max: 2, application_name: appName });
      pool.on('error', () => undefined); // as apps do: an idle client cut by the proxy
      return { pool, end: () => pool.end(), waiting: () => pool.waitingCount };
    },
  },
  {
    kind: 'mysql',
    system: 'mysql',
    target: MYSQL,
    sleepQuery: 'SLEEP',
    db: { mysql2: mysql },
    makePool(port) {
      const pool = mysqlPromise.createPool({ ...MYSQL, port, connectionLimit: 2 });
      const core = (pool as unknown as { pool: { _connectionQueue: { length: number } } }).pool;
      return { pool, end: () => pool.end(), waiting: () => core._connectionQueue.length };
    },
  },
];

interface Running {
  pulse: Pulse;
  app: RunningApp;
  proxy: TcpProxy;
  pool: ReturnType<Database['makePool']>;
  appName: string;
}
const running: Running[] = [];

async function start(database: Database, health: HealthOptions = {}): Promise<Running> {
  const proxy = await startTcpProxy(database.target);
  const appName = `pulse-health-${process.pid}-${randomBytes(3).toString('hex')}`;
  const pool = database.makePool(proxy.port, appName);
  const pulse = createPulse({
    serviceName: 'orders-api',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    db: database.db,
    health: { interval: 60_000, timeout: 1500, ...health, checks: { [database.kind]: { pool: pool.pool } } },
  });
  const app = await listen(
    ordersApp(pulse, database.kind === 'postgres' ? { pg: pool.pool as pg.Pool } : { mysql: pool.pool as never }),
  );
  const run = { pulse, app, proxy, pool, appName };
  running.push(run);
  return run;
}

afterAll(async () => {
  for (const r of running) {
    await r.app.close();
    await r.pulse.shutdown();
    await r.proxy.close();
    await r.pool.end().catch(() => undefined);
  }
});

describe.each(databases)('$kind', (database) => {
  test('a pool saturated by slow queries: /health/ready stays 200, the check is degraded with the pool’s figures', async () => {
    const { pulse, app, pool } = await start(database);
    expect((await pulse.health.run()).checks[database.kind]?.status).toBe('healthy');

    // Four reports of 2 s on a pool of 2: two run, two wait for a connection.
    const reports = Array.from({ length: 4 }, () =>
      fetch(`${app.baseUrl}/api/orders/report?seconds=2`).then((r) => r.status),
    );
    await until('requests waiting for a pool connection', () => pool.waiting() >= 2);

    const started = performance.now();
    const report = await pulse.health.run();
    expect(performance.now() - started).toBeLessThan(1000); // it did not wait in line
    expect(report.checks[database.kind]).toMatchObject({ status: 'degraded' });
    expect(pulse.health.report({ verbose: true }).checks[database.kind]).toMatchObject({
      message: 'pool saturated: 2 waiting for a connection',
      details: { inUse: 2, idle: 0, waiting: 2, max: 2, usage: 1 },
    });
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await Promise.all(reports)).toEqual([200, 200, 200, 200]);
  });

  test('its statements are not the application’s traffic: no db metrics from health checks', async () => {
    const { pulse, app } = await start(database);
    for (let i = 0; i < 5; i++) expect((await pulse.health.run()).checks[database.kind]?.status).toBe('healthy');
    const labels = { db_system_name: database.system };
    expect(histogramCount(pulse.registry, 'db_client_operation_duration_seconds', labels)).toBe(0);
    expect(histogramCount(pulse.registry, 'pulse_db_route_query_duration_seconds_total')).toBe(0);

    // The application's own query through the same pool is recorded.
    expect((await fetch(`${app.baseUrl}/api/orders/count`)).status).toBe(200);
    expect(
      histogramCount(pulse.registry, 'db_client_operation_duration_seconds', {
        ...labels,
        db_operation_name: 'SELECT',
      }),
    ).toBe(1);
  });

  test('the database going away: 503 only after failureThreshold failed runs in a row, 200 after successThreshold', async () => {
    const { pulse, app, proxy } = await start(database, { readiness: { failureThreshold: 3, successThreshold: 2 } });
    const readyStatus = async (): Promise<number> => (await fetch(`${app.baseUrl}/health/ready`)).status;
    // Starting needs successThreshold healthy runs too (the first may be the one Pulse started itself).
    await pulse.health.run();
    expect((await pulse.health.run()).checks[database.kind]?.status).toBe('healthy');
    expect(await readyStatus()).toBe(200);

    await proxy.stop();
    for (const expected of [200, 200, 503, 503]) {
      expect((await pulse.health.run()).checks[database.kind]?.status).toBe('unhealthy');
      expect(await readyStatus()).toBe(expected);
    }
    expect(pulse.health.report({ verbose: true }).checks[database.kind]?.consecutiveFailures).toBe(4);

    await proxy.start();
    for (const expected of [503, 200]) {
      expect((await pulse.health.run()).checks[database.kind]?.status).toBe('healthy');
      expect(await readyStatus()).toBe(expected);
    }
  });

  test('a database that stops answering: each run times out on a fresh connection (none left hanging), then recovers', async () => {
    const { pulse, proxy } = await start(database, { timeout: 300 });
    expect((await pulse.health.run()).checks[database.kind]?.status).toBe('healthy');
    proxy.freeze();
    for (let i = 0; i < 2; i++) {
      // Not "still running after timing out": the timed-out connection was destroyed.
      expect((await pulse.health.run()).checks[database.kind]).toMatchObject({
        status: 'unhealthy',
        error: 'timed out after 300 ms',
      });
    }
    proxy.thaw();
    expect((await pulse.health.run()).checks[database.kind]?.status).toBe('healthy');
  });
});

test('postgres: the check’s own connection, terminated by the server, is reopened on the next run', async () => {
  const { pulse, pool, appName } = await start(databases[0]!);
  expect((await pulse.health.run()).checks.postgres?.status).toBe('healthy');
  expect((pool.pool as pg.Pool).totalCount).toBe(0); // not one of the application's connections

  const admin = new pg.Client(PG);
  await admin.connect();
  try {
    const backends = async (): Promise<number[]> =>
      (
        await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [appName])
      ).rows.map((r) => r.pid);
    const [first, ...others] = await backends();
    expect(others).toEqual([]);
    await admin.query('SELECT pg_terminate_backend($1)', [first]);
    await until('the backend to end', () => false, 300).catch(() => undefined); // let the client see it

    expect((await pulse.health.run()).checks.postgres?.status).toBe('healthy');
    const [second, ...more] = await backends();
    expect(more).toEqual([]);
    expect(second).not.toBe(first);
  } finally {
    await admin.end();
  }
});
