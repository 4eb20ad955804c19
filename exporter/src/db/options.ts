import { anyOf, bool, fn, instance, literal, num, object } from '../config/schema';

// Options of the db signal: `createPulse({ db: { … } })`. Validated at createPulse().

/**
 * Turns instrumentation of one driver on. `true` finds the copies the app loaded (or will load,
 * resolved from the working directory); the module itself (`pg: require('pg')`) pins that copy,
 * for layouts Pulse cannot search (bundlers, unusual workspaces).
 */
export type DriverSwitch = boolean | object;

/** Turns a bound query parameter into what a slow query event may show. */
export type RedactParameter = (value: unknown, key: number | string) => unknown;

export interface SlowQueryOptions {
  /** Queries at or above this duration become `slow_query` events. Default 200 ms. */
  thresholdMs?: number;
  /**
   * Record the application file:line that ran the query (first stack frame outside node_modules
   * and Pulse). Captures a stack per query, ~1–3 µs each: off by default.
   */
  caller?: boolean;
  /** Record bound parameters, each passed through `redactParameter`. Default false: never recorded. */
  parameters?: boolean;
  /** The redaction rule for recorded parameters. Default: numbers, booleans, null and dates kept; strings and buffers replaced by their length. */
  redactParameter?: RedactParameter;
}

export interface NPlusOneOptions {
  /** A pattern run this many times one after another within one request is an N+1. Default 5. */
  threshold?: number;
  /** …and only if those runs took at least this long together. Default 0 ms. */
  minTotalDurationMs?: number;
}

export interface DbOptions {
  /** Instrument node-postgres (`pg` ≥ 8, Client and Pool, `pg.native` when installed). Default false. */
  pg?: DriverSwitch;
  /** Instrument mysql2 (≥ 3.20, through its diagnostics_channel TracingChannels). Default false. */
  mysql2?: DriverSwitch;
  /**
   * Instrument mariadb (MariaDB Connector/Node.js ≥ 3.4, the driver of Prisma's MariaDB adapter):
   * statements, transactions, connections and pools, recorded as `mysql`. Default false.
   */
  mariadb?: DriverSwitch;
  /** Instrument knex (3.x): its queries are recorded once, by the driver it runs on; knex adds its pool. Default false. */
  knex?: DriverSwitch;
  /** Instrument ioredis (≥ 5.11, through its diagnostics_channel TracingChannels): commands, MULTI, connections. Default false. */
  ioredis?: DriverSwitch;
  /** Instrument node-redis (`redis` ≥ 5.12 through its diagnostics_channel TracingChannels; 4.x by wrapping its commands queue): commands, MULTI, connections. Default false. */
  redis?: DriverSwitch;
  /** Slow query log (slow Redis commands too); `false` turns it off. */
  slowQueries?: SlowQueryOptions | false;
  /** N+1 detection; `false` turns it off (per-route query counts stay). */
  nPlusOne?: NPlusOneOptions | false;
  /** Upper bound on slow_query + n_plus_one events per second; past it they are counted, not sent. Default 50. */
  maxEventsPerSecond?: number;
  /** Distinct SQL strings whose normalised form is cached (repeated statements then cost ~50 ns). Default 2000. */
  sqlCacheSize?: number;
}

const driverSwitch = anyOf(bool(), instance<object>('the driver module'));

export const dbOptionsSchema = object({
  pg: driverSwitch,
  mysql2: driverSwitch,
  mariadb: driverSwitch,
  knex: driverSwitch,
  ioredis: driverSwitch,
  redis: driverSwitch,
  slowQueries: anyOf(
    object({
      thresholdMs: num({ min: 0, max: 3_600_000, unit: 'ms' }),
      caller: bool(),
      parameters: bool(),
      redactParameter: fn<RedactParameter>('a function (value, key) => redacted value'),
    }),
    literal(false),
  ),
  nPlusOne: anyOf(
    object({
      threshold: num({ min: 2, max: 1_000_000, integer: true }),
      minTotalDurationMs: num({ min: 0, max: 3_600_000, unit: 'ms' }),
    }),
    literal(false),
  ),
  maxEventsPerSecond: num({ min: 0, max: 100_000 }),
  sqlCacheSize: num({ min: 0, max: 1_000_000, integer: true }),
});

export interface ResolvedDbOptions {
  pg: DriverSwitch;
  mysql2: DriverSwitch;
  mariadb: DriverSwitch;
  knex: DriverSwitch;
  ioredis: DriverSwitch;
  redis: DriverSwitch;
  slowQueries: Required<SlowQueryOptions> | false;
  nPlusOne: Required<NPlusOneOptions> | false;
  maxEventsPerSecond: number;
  sqlCacheSize: number;
}

/**
 * The default redaction: values that identify nothing on their own (numbers, booleans, null,
 * dates) stay; strings and binary values become their length, so a slow query event never
 * carries an e-mail address, a token or a password unless the application's rule allows it.
 */
export const defaultRedactParameter: RedactParameter = (value) => {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return String(value);
    case 'string':
      return `[redacted: ${value.length} chars]`;
    default:
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) return `[redacted: ${value.byteLength} bytes]`;
      return '[redacted]';
  }
};

export function resolveDbOptions(input: DbOptions | undefined): ResolvedDbOptions {
  const o = input ?? {};
  const slow = o.slowQueries;
  const n1 = o.nPlusOne;
  return {
    pg: o.pg ?? false,
    mysql2: o.mysql2 ?? false,
    mariadb: o.mariadb ?? false,
    knex: o.knex ?? false,
    ioredis: o.ioredis ?? false,
    redis: o.redis ?? false,
    slowQueries:
      slow === false
        ? false
        : {
            thresholdMs: slow?.thresholdMs ?? 200,
            caller: slow?.caller ?? false,
            parameters: slow?.parameters ?? false,
            redactParameter: slow?.redactParameter ?? defaultRedactParameter,
          },
    nPlusOne: n1 === false ? false : { threshold: n1?.threshold ?? 5, minTotalDurationMs: n1?.minTotalDurationMs ?? 0 },
    maxEventsPerSecond: o.maxEventsPerSecond ?? 50,
    sqlCacheSize: o.sqlCacheSize ?? 2000,
  };
}
