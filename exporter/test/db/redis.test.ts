/**
 * ioredis and node-redis against the real Redis (127.0.0.1:6379), through the clients' own
 * TracingChannels (node-redis 4: its wrapped commands queue), for each version line Pulse claims:
 * exact operation counts per command, pipelines (each command once), MULTI/EXEC (one MULTI), error
 * replies by their prefix, slow commands with their caller and never their arguments unless opted
 * in (then redacted), the connection gauges, the health check's PING left out, and no key or value
 * anywhere in /metrics.
 */
import { randomBytes } from 'node:crypto';
import IORedis6 from 'ioredis';
import IORedis5 from 'ioredis5';
import * as redis6 from 'redis';
import * as redis5 from 'redis5';
import * as redis4 from 'redis4';
import { redisCheck } from '../../src/health/checks/redis';
import type { HealthCheckResult } from '../../src/health/types';
import type { TestDb } from './support';
import { counterValue, createTestDb, eventually, gaugeValue, operationCount, operationLabels } from './support';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVER = '127.0.0.1:6379/0';

/** What the tests do with a client, the same for both libraries. */
interface Client {
  raw: object;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  lpush(key: string, value: string): Promise<unknown>;
  blpop(key: string, seconds: number): Promise<unknown>;
  /** A pipeline of SET key value + GET key per entry. */
  pipeline(entries: [string, string][]): Promise<unknown>;
  /** A MULTI/EXEC of SET key value + GET key per entry. */
  multi(entries: [string, string][]): Promise<unknown>;
  call(...args: string[]): Promise<unknown>;
  del(keys: string[]): Promise<unknown>;
  ping(): Promise<unknown>;
  quit(): Promise<unknown>;
}

type IORedisClass = typeof IORedis6;

function ioredisClient(Redis: IORedisClass): () => Promise<Client> {
  return async () => {
    const r = new Redis(URL);
    await new Promise<void>((resolve, reject) => r.once('ready', resolve).once('error', reject));
    return {
      raw: r,
      set: (k, v) => r.set(k, v),
      get: (k) => r.get(k),
      lpush: (k, v) => r.lpush(k, v),
      blpop: (k, s) => r.blpop(k, s),
      pipeline: (entries) => entries.reduce((p, [k, v]) => p.set(k, v).get(k), r.pipeline()).exec(),
      multi: (entries) => entries.reduce((p, [k, v]) => p.set(k, v).get(k), r.multi()).exec(),
      call: (name, ...args) => r.call(name, ...args),
      del: (keys) => r.del(...keys),
      ping: () => r.ping(),
      quit: () => r.quit(),
    };
  };
}

type NodeRedisModule = typeof redis6;
/** The chainable part of node-redis's multi(), loosely typed (its exact type grows with each call). */
interface Chain {
  set(key: string, value: string): Chain;
  get(key: string): Chain;
  exec(): Promise<unknown>;
  execAsPipeline(): Promise<unknown>;
}

function nodeRedisClient(mod: NodeRedisModule): () => Promise<Client> {
  return async () => {
    const c = mod.createClient({ url: URL });
    c.on('error', () => undefined);
    await c.connect();
    return {
      raw: c,
      set: (k, v) => c.set(k, v),
      get: (k) => c.get(k),
      lpush: (k, v) => c.lPush(k, v),
      blpop: (k, s) => c.blPop(k, s),
      pipeline: (entries) => entries.reduce((m, [k, v]) => m.set(k, v).get(k), c.multi() as Chain).execAsPipeline(),
      multi: (entries) => entries.reduce((m, [k, v]) => m.set(k, v).get(k), c.multi() as Chain).exec(),
      call: (...args) => c.sendCommand(args),
      del: (keys) => c.del(keys),
      ping: () => c.ping(),
      quit: () => c.quit(),
    };
  };
}

// `true` searches for the app's `ioredis` / `redis`; the aliased older copies are passed as modules.
const clients: [string, { ioredis: true | object } | { redis: true | object }, () => Promise<Client>][] = [
  ['ioredis 6', { ioredis: true }, ioredisClient(IORedis6)],
  ['ioredis 5.11', { ioredis: IORedis5 }, ioredisClient(IORedis5 as unknown as IORedisClass)],
  ['node-redis 6', { redis: true }, nodeRedisClient(redis6)],
  ['node-redis 5.12', { redis: redis5 }, nodeRedisClient(redis5 as unknown as NodeRedisModule)],
  ['node-redis 4', { redis: redis4 }, nodeRedisClient(redis4 as unknown as NodeRedisModule)],
];

describe.each(clients)('%s', (_name, option, connect) => {
  let db: TestDb;
  let client: Client;
  let prefix: string;
  const key = (name: string): string => `${prefix}${name}`;
  const count = (labels: Record<string, string>): number =>
    operationCount(db.core.metrics, { db_system_name: 'redis', ...labels });

  beforeEach(async () => {
    prefix = `pulse:test:${randomBytes(4).toString('hex')}:`;
    db = createTestDb({ ...option, slowQueries: { thresholdMs: 100, caller: true } });
    client = await connect();
  });

  afterEach(async () => {
    const keys = ['a', 'b', 'c', 'list', 'empty'].map(key);
    await client.del(keys);
    await client.quit();
    await db.shutdown();
    expect(db.internalErrors).toEqual([]);
  });

  it('records each command once, by its upper-case name, pipelined commands included, a MULTI as one MULTI', async () => {
    await client.set(key('a'), 'alice@example.com');
    await client.get(key('a'));
    await client.get(key('a'));
    await client.pipeline([
      [key('b'), 'bob@example.com'],
      [key('c'), 'carol@example.com'],
    ]);
    await client.multi([
      [key('a'), 'x'],
      [key('b'), 'y'],
      [key('c'), 'z'],
    ]);

    expect(count({ db_operation_name: 'SET', error_type: '' })).toBe(1 + 2);
    expect(count({ db_operation_name: 'GET', error_type: '' })).toBe(2 + 2);
    expect(count({ db_operation_name: 'MULTI', error_type: '' })).toBe(1);
    expect(count({ db_operation_name: 'EXEC' })).toBe(0);
    expect(count({ db_operation_name: 'PIPELINE' })).toBe(0);
    expect(operationLabels(db.core.metrics).every((l) => l.db_collection_name === '')).toBe(true);
  });

  it('labels a failed command with the error reply’s prefix (WRONGTYPE), an unknown command as _OTHER', async () => {
    await client.set(key('a'), 'a string');
    await expect(client.lpush(key('a'), 'v')).rejects.toThrow(/WRONGTYPE/);
    await expect(client.call(`X${'Y'.repeat(5000)}`, key('a'))).rejects.toThrow(/unknown command/);
    expect(count({ db_operation_name: 'LPUSH', error_type: 'WRONGTYPE' })).toBe(1);
    expect(count({ db_operation_name: 'LPUSH', error_type: '' })).toBe(0);
    expect(count({ db_operation_name: '_OTHER', error_type: 'ERR' })).toBe(1);
  });

  it('reports a slow command with its name and the application line, never its arguments by default', async () => {
    await client.blpop(key('empty'), 0.15); // blocks 150 ms on an empty list
    await client.get(key('a'));
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      db_system_name: 'redis',
      db_operation_name: 'BLPOP',
      db_query_text: 'BLPOP',
      caller: expect.stringMatching(/^exporter\/test\/db\/redis\.test\.ts:\d+$/),
    });
    expect(slow[0]!.duration_ms).toBeGreaterThanOrEqual(100);
    expect(slow[0]).not.toHaveProperty('db_query_parameters');
    expect(JSON.stringify(slow)).not.toContain(prefix);
    expect(counterValue(db.core.metrics, 'pulse_db_slow_queries_total', { db_operation_name: 'BLPOP' })).toBe(1);
  });

  it('shows a slow command’s arguments only when opted in, each redacted', async () => {
    await db.shutdown();
    db = createTestDb({ ...option, slowQueries: { thresholdMs: 100, parameters: true } });
    await client.blpop(key('empty'), 0.15);
    const slow = db.events.filter((e) => e.kind === 'slow_query');
    expect(slow).toHaveLength(1);
    const parameters = slow[0]!.db_query_parameters as unknown[];
    expect(parameters.length).toBeGreaterThan(0);
    expect(parameters).toContain(`[redacted: ${key('empty').length} chars]`);
    expect(JSON.stringify(slow)).not.toContain(prefix);
  });

  it('keeps keys and values out of /metrics', async () => {
    const secret = `s3cr3t-${randomBytes(6).toString('hex')}`;
    await client.set(key('a'), secret);
    await client.get(key('a'));
    await client.pipeline([[key('b'), secret]]);
    await client.multi([[key('c'), secret]]);
    await expect(client.lpush(key('a'), secret)).rejects.toThrow();
    await client.blpop(key('empty'), 0.15);
    const exposition = await db.core.metrics.serialize('prometheus');
    expect(exposition).toContain('db_system_name="redis"');
    expect(exposition).not.toContain(prefix);
    expect(exposition).not.toContain(secret);
  });

  it('does not count the Redis health check’s PING as application traffic', async () => {
    const check = redisCheck('redis', { client: client.raw });
    const result = (await check.check({ signal: new AbortController().signal })) as HealthCheckResult;
    expect(result.status).toBe('healthy');
    await client.ping(); // the application's own PING still counts
    expect(count({ db_operation_name: 'PING' })).toBe(1);
  });

  it('reports the connection to the server in the pool gauges, and drops it once the client quits', async () => {
    const other = await connect();
    const connections = (): Promise<number | undefined> =>
      gaugeValue(db.core.metrics, 'db_client_connection_count', { db_client_connection_pool_name: SERVER });
    // Both clients of this test, connected after Pulse started: one series set for the server.
    expect(await connections()).toBe(2);
    expect(
      await gaugeValue(db.core.metrics, 'db_client_connection_max', { db_client_connection_pool_name: SERVER }),
    ).toBe(2);
    await other.quit();
    await eventually(async () => (await connections()) === 1);
  });
});

describe('versions without channels', () => {
  it('records node-redis 4 by wrapping its commands queue, without warning about it', async () => {
    const db = createTestDb({ redis: redis4 });
    try {
      const warnings = db.events.filter((e) => e.kind === 'lifecycle' && e.level === 'warn');
      expect(warnings).toEqual([]);
    } finally {
      await db.shutdown();
    }
  });

  it('rejects something that is not a Redis module, naming the option', () => {
    expect(() => createTestDb({ ioredis: { createClient() {} } })).toThrow(/db\.ioredis/);
  });
});
