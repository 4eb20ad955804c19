/**
 * Built-in checks against the real PostgreSQL, MariaDB (mysql2) and Redis on this machine, ports
 * where nothing listens, a local HTTP dependency, the real filesystem and heap.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createClient } from 'redis';
import { createPulse, PulseConfigError, type Pulse } from '../../src/index';
import type { HealthOptions } from '../../src/health/options';
import { getFreePort } from '../support/free-port';
import { histogramCount } from '../deps/series';

const pulses: Pulse[] = [];
const cleanups: (() => unknown)[] = [];
function pulseWith(checks: HealthOptions['checks'], extra: HealthOptions = {}): Pulse {
  const pulse = createPulse({
    serviceName: 'health-builtin-test',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    health: { timeout: 2000, interval: 60_000, ...extra, checks },
  });
  pulses.push(pulse);
  return pulse;
}
afterAll(async () => {
  await Promise.all(pulses.map((p) => p.shutdown()));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };

describe('postgres (pg Pool)', () => {
  test('healthy on the real server, with pool figures', async () => {
    const pool = new pg.Pool({ ...PG, max: 10 });
    cleanups.push(() => pool.end());
    const report = await pulseWith({ postgres: { pool } }).health.run();
    expect(report.checks.postgres).toMatchObject({ status: 'healthy', critical: true });
    const verbose = pulses.at(-1)!.health.report({ verbose: true });
    expect(verbose.checks.postgres?.details).toMatchObject({ max: 10, waiting: 0 });
  });

  test('unhealthy on a port nobody listens on; the password in the connection string never shows', async () => {
    const port = await getFreePort();
    const pool = new pg.Pool({ connectionString: `postgres://postgres:S3cretPw1@127.0.0.1:${port}/test` });
    cleanups.push(() => pool.end());
    const pulse = pulseWith({ postgres: { pool, name: 'orders-db' } });
    const report = await pulse.health.run();
    expect(report.status).toBe('unhealthy');
    expect(report.checks['orders-db']).toMatchObject({ status: 'unhealthy' });
    expect(report.checks['orders-db']?.error).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(pulse.health.report({ verbose: true }))).not.toContain('S3cretPw1');
    expect(pool.options.connectionString).toContain('S3cretPw1'); // the input did hold it
  });

  test('every connection of the pool held by the app: SELECT 1 answers on the check’s own connection, degraded', async () => {
    const pool = new pg.Pool({ ...PG, max: 2 });
    cleanups.push(() => pool.end());
    const held = await Promise.all([pool.connect(), pool.connect()]);
    try {
      const report = await pulseWith({ postgres: { pool } }, { timeout: 1000 }).health.run();
      expect(report.checks.postgres).toMatchObject({
        status: 'degraded',
        error: 'pool saturated: 2 of 2 connections in use',
      });
      expect(report.ready).toBe(true);
    } finally {
      for (const client of held) client.release();
    }
  });

  test('the check’s connection is closed when Pulse shuts down', async () => {
    const appName = `pulse-builtin-${process.pid}`;
    const pool = new pg.Pool({ ...PG, application_name: appName });
    cleanups.push(() => pool.end());
    const admin = new pg.Client(PG);
    await admin.connect();
    cleanups.push(() => admin.end());
    const backends = async (): Promise<number> =>
      (await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [appName])).rowCount ?? 0;
    const pulse = pulseWith({ postgres: { pool } });
    expect((await pulse.health.run()).checks.postgres?.status).toBe('healthy');
    expect(await backends()).toBe(1);
    await pulse.shutdown();
    for (let i = 0; i < 50 && (await backends()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await backends()).toBe(0);
  });

  test('degraded when the pool is nearly exhausted', async () => {
    const pool = new pg.Pool({ ...PG, max: 4 });
    cleanups.push(() => pool.end());
    const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      const report = await pulseWith({ postgres: { pool, saturationWarn: 0.75 } }).health.run();
      expect(report.checks.postgres?.status).toBe('degraded');
      expect(report.checks.postgres?.error).toMatch(/pool saturated: 3 of 4/);
    } finally {
      for (const client of held) client.release();
    }
  });
});

describe('mysql (mysql2 pool, MariaDB)', () => {
  test('healthy with a callback pool and with a promise pool', async () => {
    const pool = mysql.createPool({ ...MYSQL, connectionLimit: 5 });
    const promisePool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 5 });
    cleanups.push(
      () => new Promise((r) => pool.end(r)),
      () => promisePool.end(),
    );
    const pulse = pulseWith({ mysql: [{ pool }, { pool: promisePool, name: 'replica' }] });
    const report = await pulse.health.run();
    expect(report.checks.mysql).toMatchObject({ status: 'healthy' });
    expect(report.checks.replica).toMatchObject({ status: 'healthy' });
    expect(pulse.health.report({ verbose: true }).checks.mysql?.details).toMatchObject({ max: 5 });
  });

  test('unhealthy on a port nobody listens on', async () => {
    const port = await getFreePort();
    const pool = mysql.createPool({ ...MYSQL, port, password: 'My5qlSecret', connectTimeout: 1000 });
    cleanups.push(() => new Promise((r) => pool.end(r)));
    const pulse = pulseWith({ mysql: { pool } });
    const report = await pulse.health.run();
    expect(report.checks.mysql?.status).toBe('unhealthy');
    expect(report.checks.mysql?.error).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(pulse.health.report({ verbose: true }))).not.toContain('My5qlSecret');
  });

  test('degraded when the pool is nearly exhausted', async () => {
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 4 });
    cleanups.push(() => pool.end());
    const held = await Promise.all([pool.getConnection(), pool.getConnection(), pool.getConnection()]);
    try {
      const report = await pulseWith({ mysql: { pool, saturationWarn: 0.75 } }).health.run();
      expect(report.checks.mysql?.status).toBe('degraded');
    } finally {
      for (const conn of held) conn.release();
    }
  });

  test('every connection of the pool held by the app: SELECT 1 answers on the check’s own connection, degraded', async () => {
    const pool = mysqlPromise.createPool({ ...MYSQL, connectionLimit: 2 });
    cleanups.push(() => pool.end());
    const held = await Promise.all([pool.getConnection(), pool.getConnection()]);
    try {
      const report = await pulseWith({ mysql: { pool } }, { timeout: 1000 }).health.run();
      expect(report.checks.mysql).toMatchObject({
        status: 'degraded',
        error: 'pool saturated: 2 of 2 connections in use',
      });
      expect(report.ready).toBe(true);
    } finally {
      for (const conn of held) conn.release();
    }
  });

  test('something that is not a mysql2 pool is a config error naming the option', () => {
    expect(() => pulseWith({ mysql: { pool: { query: () => undefined } } })).toThrow(PulseConfigError);
    expect(() => pulseWith({ mysql: { pool: { query: () => undefined } } })).toThrow(/health\.checks\.mysql\.pool/);
  });
});

describe('readiness thresholds', () => {
  test('option errors name the innermost field', () => {
    const pool = new pg.Pool(PG);
    cleanups.push(() => pool.end());
    const errorOf = (fn: () => unknown): { path?: string; message: string } => {
      try {
        fn();
      } catch (err) {
        return err as { path?: string; message: string };
      }
      throw new Error('expected an error');
    };
    const top = errorOf(() => pulseWith({}, { readiness: { failureThreshold: 0 } }));
    expect(top).toBeInstanceOf(PulseConfigError);
    expect(top.path).toBe('health.readiness.failureThreshold');
    expect(top.message).toMatch(/integer from 1 to 1000/);
    expect(errorOf(() => pulseWith({ postgres: { pool, readiness: { successThreshold: 1.5 } } })).path).toBe(
      'health.checks.postgres.readiness.successThreshold',
    );
    expect(errorOf(() => pulseWith({ postgres: [{ pool }, { pool, readiness: { failureThreshold: -2 } }] })).path).toBe(
      'health.checks.postgres[1].readiness.failureThreshold',
    );
    expect(() =>
      pulseWith({}).health.add({ name: 'x', check: () => true, readiness: { failureThreshold: 0 } }),
    ).toThrow(/readiness\.failureThreshold of "x" must be a whole number of runs from 1 to 1000, got 0/);
  });
});

describe('redis', () => {
  test('healthy with ioredis and with node-redis', async () => {
    const ioredis = new Redis({ host: '127.0.0.1', port: 6379 });
    const nodeRedis = createClient({ socket: { host: '127.0.0.1', port: 6379 } });
    await nodeRedis.connect();
    cleanups.push(
      () => ioredis.quit(),
      () => nodeRedis.quit(),
    );
    const report = await pulseWith({
      redis: [{ client: ioredis }, { client: nodeRedis, name: 'sessions' }],
    }).health.run();
    expect(report.checks.redis).toMatchObject({ status: 'healthy' });
    expect(report.checks.sessions).toMatchObject({ status: 'healthy' });
  });

  test('ioredis that cannot connect: PING waits in its offline queue, the check times out', async () => {
    const port = await getFreePort();
    const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 200 });
    client.on('error', () => undefined);
    cleanups.push(() => client.disconnect());
    const report = await pulseWith({ redis: { client, timeout: 300 } }).health.run();
    expect(report.checks.redis).toMatchObject({ status: 'unhealthy', error: 'timed out after 300 ms' });
  });

  test('node-redis that is not connected is unhealthy at once', async () => {
    const client = createClient({ socket: { host: '127.0.0.1', port: await getFreePort(), reconnectStrategy: false } });
    client.on('error', () => undefined);
    const started = performance.now();
    const report = await pulseWith({ redis: { client } }).health.run();
    expect(report.checks.redis?.status).toBe('unhealthy');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('http dependency URL', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/down') ? 500 : 200).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('healthy on 2xx, unhealthy on 500 and when refused; the probes are not counted as dependency calls', async () => {
    const closed = await getFreePort();
    const pulse = pulseWith({
      http: [
        { url: `http://127.0.0.1:${port}/up`, name: 'payments' },
        { url: `http://127.0.0.1:${port}/down?token=T0kenValue`, name: 'payments-down' },
        { url: `http://127.0.0.1:${closed}/`, name: 'nothing-there' },
      ],
    });
    const report = await pulse.health.run();
    expect(report.checks.payments).toMatchObject({ status: 'healthy', critical: false });
    expect(report.checks['payments-down']).toMatchObject({ status: 'unhealthy', error: 'HTTP 500' });
    expect(report.checks['nothing-there']?.error).toMatch(/ECONNREFUSED/);
    expect(report.status).toBe('degraded'); // http checks are not critical by default
    expect(JSON.stringify(pulse.health.report({ verbose: true }))).not.toContain('T0kenValue');
    expect(histogramCount(pulse.registry, 'http_client_request_duration_seconds')).toBe(0);
    // The same host called by the app is counted.
    await fetch(`http://127.0.0.1:${port}/up`).then((r) => r.arrayBuffer());
    expect(histogramCount(pulse.registry, 'http_client_request_duration_seconds', { server_port: String(port) })).toBe(
      1,
    );
  });
});

describe('disk, memory, event loop', () => {
  test('disk: healthy on the real filesystem; unhealthy when asked for more free space than exists', async () => {
    const report = await pulseWith({ disk: true }).health.run();
    expect(report.checks.disk?.status).toBe('healthy');
    const strict = await pulseWith({ disk: { path: '/', minFreeRatio: 1 } }).health.run();
    expect(strict.checks.disk?.status).toBe('unhealthy');
    expect(strict.checks.disk?.error).toMatch(/disk nearly full: [\d.]+ % free/);
  });

  test('memory: healthy by default, degraded past the warning share of the heap limit', async () => {
    const pulse = pulseWith({ memory: true });
    const report = await pulse.health.run();
    expect(report.checks.memory?.status).toBe('healthy');
    const details = pulse.health.report({ verbose: true }).checks.memory?.details as {
      heapRatio: number;
      heapLimitBytes: number;
    };
    expect(details.heapRatio).toBeGreaterThan(0);
    expect(details.heapLimitBytes).toBeGreaterThan(50 * 1024 * 1024);
    const tight = await pulseWith({ memory: { warnHeapRatio: 0.000001 } }).health.run();
    expect(tight.checks.memory?.status).toBe('degraded');
  });

  test('event loop: degraded after the loop was blocked past the warning delay', async () => {
    const pulse = pulseWith({ eventLoop: { warnDelay: 100, maxDelay: 5000 } });
    expect((await pulse.health.run()).checks.event_loop?.status).toBe('healthy');
    await new Promise((r) => setTimeout(r, 600)); // let the heartbeat start
    const until = Date.now() + 700;
    while (Date.now() < until) {
      // blocked
    }
    const report = await pulse.health.run();
    expect(report.checks.event_loop?.status).toBe('degraded');
    expect(report.checks.event_loop?.error).toMatch(/event loop \d+ ms late/);
  });
});
