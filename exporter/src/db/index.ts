import { pulseDbEvents } from '../catalog/db';
import { PulseConfigError } from '../config/errors';
import type { PulseCore } from '../core';
import { EventBudget } from './event-budget';
import type { DbSystem } from './hub';
import { addKnexListener, addRecorder, removeKnexListener, removeRecorder } from './hub';
import { filenameOf, findModules, packageVersion, versionAtLeast } from './find-modules';
import type { KnexClientLike } from './knex';
import { isKnexModule, knexClientOf, knexSystem, patchKnexModule, trackKnexPool } from './knex';
import { instrumentMariadbTarget, isMariadbModule, patchMariadbModule } from './mariadb';
import { instrumentMysql2Target, isMysql2Module, patchMysql2Module } from './mysql2';
import { RequestQueryTracker } from './n-plus-one';
import type { DriverSwitch } from './options';
import { ioredisPublishes, isIoredisClient, isIoredisModule, patchIoredisModule, trackIoredisClient } from './ioredis';
import {
  isNodeRedisClient,
  isNodeRedisModule,
  nodeRedisPublishes,
  patchNodeRedis4,
  patchNodeRedisModule,
  trackNodeRedisClient,
} from './node-redis';
import { instrumentPgTarget, isPgModule, patchPgModule } from './pg';
import { registerPoolGauges } from './pool-metrics';
import type { DbRecording } from './query-recorder';
import { DbSystemRecorder, createDurationHistogram } from './query-recorder';
import { QueryShapes } from './query-shapes';
import { RedisCommandShapes, redisErrorTypeOf } from './redis-commands';
import { SlowQueryLog } from './slow-queries';

/** What `pulse.instrument()` recognised. */
export type InstrumentedKind =
  | 'pg module'
  | 'pg pool'
  | 'pg client'
  | 'mysql2 module'
  | 'mysql2 pool'
  | 'mysql2 pool cluster'
  | 'mysql2 connection'
  | 'mariadb module'
  | 'knex module'
  | 'knex'
  | 'ioredis module'
  | 'ioredis client'
  | 'redis module'
  | 'redis client';

export interface InstrumentOptions {
  /** `db_client_connection_pool_name` of this pool; default `host:port/database`. */
  name?: string;
}

/** What the db signal adds to the Pulse object. */
export interface DbApi {
  /**
   * Records the queries (and pool, for a pool) of a pg Pool or Client, a mysql2 pool, pool
   * cluster or connection, a knex instance, an ioredis or node-redis client (its connection
   * state; its commands come from the client's channels), or a driver module — for when the `db`
   * options cannot find it (bundled apps, unusual layouts). Returns what it recognised; throws a
   * TypeError for anything else (a setup mistake, reported at setup time).
   */
  instrument(target: unknown, options?: InstrumentOptions): InstrumentedKind;
}

/** mysql2 published its TracingChannels in 3.20.0. */
const MYSQL2_CHANNELS_SINCE: [number, number] = [3, 20];
/** ioredis published its TracingChannels in 5.11.0, node-redis (`redis`, `@redis/client`) in 5.12.0. */
const IOREDIS_CHANNELS_SINCE = '5.11.0';
const NODE_REDIS_CHANNELS_SINCE = '5.12.0';

/**
 * Creates the db signal: query duration histograms, per-route query counts, the slow query log,
 * N+1 detection and pool gauges for pg, mysql2, mariadb and knex, ioredis and node-redis.
 */
export function createDbSignal(core: PulseCore): { api: DbApi } {
  const options = core.options.db;
  const budget = new EventBudget(core, options.maxEventsPerSecond, core.metrics.counter(pulseDbEvents));
  const tracker = new RequestQueryTracker(core, options.nPlusOne, budget);
  const recording: DbRecording = {
    core,
    duration: createDurationHistogram(core),
    tracker,
    slowQueries: options.slowQueries === false ? undefined : new SlowQueryLog(core, options.slowQueries, budget),
    exemplars: core.options.metrics.exemplars,
    sqlCacheSize: options.sqlCacheSize,
  };
  registerPoolGauges(core);
  core.onRequestEnd((ctx, end) => {
    try {
      tracker.requestEnded(ctx, end);
    } catch (err) {
      core.internalError('db', err);
    }
  });

  const recorders: Partial<Record<DbSystem, DbSystemRecorder>> = {};
  const track = (system: DbSystem): void => {
    if (recorders[system] !== undefined) return;
    const recorder =
      system === 'redis'
        ? new DbSystemRecorder(system, new RedisCommandShapes(), recording, redisErrorTypeOf)
        : new DbSystemRecorder(system, new QueryShapes(system, options.sqlCacheSize), recording);
    recorders[system] = recorder;
    addRecorder(system, recorder);
  };

  const warn = (message: string): void => core.events.emit({ kind: 'lifecycle', level: 'warn', message });

  const enableMysql2Module = (mod: unknown, filename: string | undefined): void => {
    const version = packageVersion(filename, 'mysql2');
    if (version !== undefined && !versionAtLeast(version, ...MYSQL2_CHANNELS_SINCE)) {
      warn(`mysql2 ${version} publishes no tracing channels: Pulse records mysql2 queries from 3.20.0 on`);
    }
    patchMysql2Module(mod);
  };

  /** Warns about a copy too old to publish channels, then wraps its connect for the connection gauges. */
  const enableRedisModule = (
    mod: unknown,
    filename: string | undefined,
    packageName: string,
    since: string,
    publishes: (mod: unknown) => boolean,
    patch: (mod: unknown) => void,
  ): void => {
    if (!publishes(mod)) {
      const version = packageVersion(filename, packageName) ?? '(this version)';
      warn(`${packageName} ${version} publishes no tracing channels: Pulse records its commands from ${since} on`);
    }
    patch(mod);
  };

  const enableIoredis = (mod: unknown, filename: string | undefined): void =>
    enableRedisModule(mod, filename, 'ioredis', IOREDIS_CHANNELS_SINCE, ioredisPublishes, patchIoredisModule);
  const enableNodeRedis = (mod: unknown, filename: string | undefined, name: string): void => {
    if (patchNodeRedis4(mod, filename)) return; // 4.x: recorded by wrapping its commands queue
    enableRedisModule(mod, filename, name, NODE_REDIS_CHANNELS_SINCE, nodeRedisPublishes, patchNodeRedisModule);
  };

  /** A knex client met for the first time: its driver and pool. */
  const onKnexClient = (client: object): void => {
    try {
      const c = client as KnexClientLike;
      const system = knexSystem(c);
      if (system === undefined) return; // sqlite, mssql…: not recorded
      track(system);
      if (system === 'postgresql') patchPgModule(c.driver);
      else patchMysql2Module(c.driver);
      trackKnexPool(c);
    } catch (err) {
      core.internalError('db', err);
    }
  };

  enable(
    options.pg,
    () => {
      track('postgresql');
      for (const found of findModules('pg', 'lib/index.js')) patchPgModule(found.exports);
    },
    (mod) => {
      if (!isPgModule(mod))
        throw new PulseConfigError('db.pg', 'expected true, false or the pg module (require("pg"))');
      track('postgresql');
      patchPgModule(mod);
    },
  );
  enable(
    options.mysql2,
    () => {
      track('mysql');
      for (const found of findModules('mysql2', 'index.js')) enableMysql2Module(found.exports, found.filename);
    },
    (mod) => {
      if (!isMysql2Module(mod))
        throw new PulseConfigError('db.mysql2', 'expected true, false or the mysql2 module (require("mysql2"))');
      track('mysql');
      enableMysql2Module(mod, filenameOf(mod));
    },
  );
  enable(
    options.mariadb,
    () => {
      track('mysql');
      // Both entries (promise, callback) share the lib/ classes that get patched.
      for (const main of ['promise.js', 'callback.js']) {
        for (const found of findModules('mariadb', main)) patchMariadbModule(found.exports, found.filename);
      }
    },
    (mod) => {
      if (!isMariadbModule(mod))
        throw new PulseConfigError('db.mariadb', 'expected true, false or the mariadb module (require("mariadb"))');
      track('mysql');
      if (!patchMariadbModule(mod, filenameOf(mod)))
        warn('db.mariadb: this copy of mariadb was not found in the module cache, so Pulse cannot patch it');
    },
  );
  enable(
    options.knex,
    () => {
      addKnexListener(onKnexClient);
      for (const found of findModules('knex', 'knex.js')) patchKnexModule(found.exports);
    },
    (mod) => {
      if (!isKnexModule(mod))
        throw new PulseConfigError('db.knex', 'expected true, false or the knex module (require("knex"))');
      addKnexListener(onKnexClient);
      patchKnexModule(mod);
    },
  );

  enable(
    options.ioredis,
    () => {
      track('redis');
      for (const found of findModules('ioredis', 'built/index.js')) {
        enableIoredis(found.exports, found.filename);
      }
    },
    (mod) => {
      if (!isIoredisModule(mod))
        throw new PulseConfigError('db.ioredis', 'expected true, false or the ioredis module (require("ioredis"))');
      track('redis');
      enableIoredis(mod, filenameOf(mod));
    },
  );
  enable(
    options.redis,
    () => {
      track('redis');
      for (const name of ['redis', '@redis/client']) {
        for (const found of findModules(name, 'dist/index.js')) {
          enableNodeRedis(found.exports, found.filename, name);
        }
      }
    },
    (mod) => {
      if (!isNodeRedisModule(mod))
        throw new PulseConfigError('db.redis', 'expected true, false or the node-redis module (require("redis"))');
      track('redis');
      const filename = filenameOf(mod);
      const name = filename?.includes('@redis') === true ? '@redis/client' : 'redis';
      enableNodeRedis(mod, filename, name);
    },
  );

  core.onShutdown(() => {
    removeKnexListener(onKnexClient);
    for (const [system, recorder] of Object.entries(recorders)) removeRecorder(system as DbSystem, recorder);
  });

  const api: DbApi = {
    instrument(target, instrumentOptions = {}) {
      const name = instrumentOptions.name;
      const knexClient = knexClientOf(target);
      if (knexClient !== undefined) {
        if (knexSystem(knexClient) === undefined)
          throw new TypeError('pulse.instrument(knex): only pg and mysql2 clients are supported');
        addKnexListener(onKnexClient);
        trackKnexPool(knexClient, name); // first, so the given name is the one registered
        onKnexClient(knexClient);
        return 'knex';
      }
      if (isKnexModule(target)) {
        addKnexListener(onKnexClient);
        patchKnexModule(target);
        return 'knex module';
      }
      const pg = instrumentPgTarget(target, name);
      if (pg !== undefined) {
        track('postgresql');
        return pg;
      }
      const mysql2 = instrumentMysql2Target(target, name);
      if (mysql2 !== undefined) {
        track('mysql');
        return mysql2;
      }
      const mariadb = instrumentMariadbTarget(target, filenameOf);
      if (mariadb !== undefined) {
        track('mysql');
        return mariadb;
      }
      if (isIoredisModule(target)) {
        track('redis');
        patchIoredisModule(target);
        return 'ioredis module';
      }
      if (isIoredisClient(target)) {
        track('redis');
        trackIoredisClient(target as object, name);
        return 'ioredis client';
      }
      if (isNodeRedisModule(target)) {
        track('redis');
        patchNodeRedisModule(target);
        return 'redis module';
      }
      if (isNodeRedisClient(target)) {
        track('redis');
        trackNodeRedisClient(target as object, name);
        return 'redis client';
      }
      throw new TypeError(
        'pulse.instrument(): expected a pg Pool, Client or module, a mysql2 pool, cluster, connection or module, the mariadb module, a knex instance, or an ioredis or node-redis client or module',
      );
    },
  };
  return { api };
}

/** Applies one driver switch: `true` searches for the module, a module object pins it. */
function enable(value: DriverSwitch, search: () => void, pinned: (mod: unknown) => void): void {
  if (value === false) return;
  if (value === true) search();
  else pinned(value);
}
