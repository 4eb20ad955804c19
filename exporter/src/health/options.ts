import { anyOf, arrayOf, bool, instance, literal, num, object, recordOf, str } from '../config/schema';
import type { Check } from '../config/schema';
import type { ReadinessThresholds } from './types';

// Options of the health signal: `createPulse({ health: { … } })`. Validated at createPulse().
// Durations in this signal are milliseconds, named as in `pulse.health.add({ interval, timeout })`.

interface CommonCheckOptions {
  /** The `check` label; defaults to the kind (`postgres`, `redis`…), numbered when there are several. */
  name?: string;
  critical?: boolean;
  interval?: number;
  timeout?: number;
  /** Overrides `health.readiness` for this check. */
  readiness?: ReadinessThresholds;
}

export interface PoolCheckOptions extends CommonCheckOptions {
  /** A `pg` Pool (or Client) for `postgres`; a `mysql2` pool (callback or promise API) for `mysql`. */
  pool: unknown;
  /** Share of the pool's connections in use at which the check reports degraded. Default 0.9. */
  saturationWarn?: number;
}

export interface RedisCheckOptions extends CommonCheckOptions {
  /** An ioredis client (or cluster) or a node-redis client. */
  client: unknown;
}

export interface HttpCheckOptions extends CommonCheckOptions {
  url: string;
  method?: 'GET' | 'HEAD';
  /** Statuses that count as healthy. Default: any below 400. */
  expectedStatus?: number[];
  headers?: Record<string, string>;
}

export interface DiskCheckOptions extends CommonCheckOptions {
  /** A path on the filesystem to watch. Default the working directory. */
  path?: string;
  /** Unhealthy below this share of free space. Default 0.05. */
  minFreeRatio?: number;
  /** Degraded below this share. Default 0.1. */
  warnFreeRatio?: number;
  /** Unhealthy below this many free bytes, whatever the ratio. Default 0 (off). */
  minFreeBytes?: number;
}

export interface MemoryCheckOptions extends CommonCheckOptions {
  /** Degraded when the used heap reaches this share of V8's heap limit. Default 0.85. */
  warnHeapRatio?: number;
  /** Unhealthy from this share. Default 0.95. */
  maxHeapRatio?: number;
}

export interface EventLoopCheckOptions extends CommonCheckOptions {
  /** Degraded when the event loop was this late (ms) in the last 10 s. Default 200. */
  warnDelay?: number;
  /** Unhealthy from this delay (ms). Default 1000. */
  maxDelay?: number;
}

export interface BuiltInChecks {
  postgres?: PoolCheckOptions | PoolCheckOptions[];
  mysql?: PoolCheckOptions | PoolCheckOptions[];
  redis?: RedisCheckOptions | RedisCheckOptions[];
  http?: HttpCheckOptions | HttpCheckOptions[];
  disk?: boolean | DiskCheckOptions;
  memory?: boolean | MemoryCheckOptions;
  eventLoop?: boolean | EventLoopCheckOptions;
}

export interface HealthOptions {
  /** Serve `/health`, `/health/live`, `/health/ready` on `pulse.mount(app)`. Default true. */
  enabled?: boolean;
  /** Base path of the endpoints. Default `/health`. */
  path?: string;
  /**
   * Credentials that unlock `/health`'s details (check errors, messages, latencies, `?verbose=true`).
   * Without them a caller gets the status and the check names only; wrong credentials get a 401.
   * `/health/live` and `/health/ready` say nothing sensitive and stay open for load balancers.
   */
  auth?: { bearerToken: string } | { username: string; password: string };
  /**
   * Who sees check details: `'authenticated'` (default: callers with `auth`'s credentials, nobody
   * when `auth` is unset) or `'public'` (everyone; what they show is redacted all the same).
   */
  details?: 'public' | 'authenticated';
  /** Status code of `/health` while degraded: 207 (default) or 200 for probes that want 2xx only. */
  degradedStatusCode?: 200 | 207;
  /** Default ms between runs of a check. Default 10 000. */
  interval?: number;
  /** Default ms a check may take. Default 5 000. */
  timeout?: number;
  /** Results kept per check for `?verbose=true` and uptime. Default 60. */
  historySize?: number;
  /**
   * `/health/ready` answers 503 once a critical check was unhealthy `failureThreshold` times in a
   * row (default 3), and 200 again after `successThreshold` healthy or degraded runs (default 1).
   */
  readiness?: ReadinessThresholds;
  /** A check is flapping when its status changed more than `maxChanges` times within `window` ms. */
  flapping?: { window?: number; maxChanges?: number };
  /** `/health/live` answers 503 when the event loop was late by more than this (ms). Default 5 000. */
  liveMaxEventLoopDelay?: number;
  /**
   * On `pulse.shutdown()`, readiness turns 503 at once; Pulse then waits this long (ms) before the
   * rest of the shutdown, so load balancers stop sending traffic first. Default 0.
   */
  drainDelay?: number;
  /**
   * Opt-in: on these signals readiness turns 503 and Pulse holds the process for `drainDelay`
   * before the signal takes its course. When Pulse's listener is the only one, the signal is then
   * re-raised, so the process still ends by it (the listener is the one the logs signal shares).
   * With a listener of the app's own, the app decides when to exit. Default none.
   */
  drainOnSignals?: ('SIGTERM' | 'SIGINT')[];
  checks?: BuiltInChecks;
}

const ms = (min: number, max: number): Check<number> => num({ min, max, integer: true, unit: 'ms' });
const ratio = num({ min: 0, max: 1 });
const checkName = str({
  pattern: /^[A-Za-z0-9_.-]{1,64}$/,
  accepts: 'a check name of 1–64 letters, digits, "_", "." or "-"',
});
const runs = num({ min: 1, max: 1000, integer: true });
const readiness = object({ failureThreshold: runs, successThreshold: runs });
const common = {
  name: checkName,
  critical: bool(),
  interval: ms(10, 24 * 3600_000),
  timeout: ms(1, 3600_000),
  readiness,
};
const secret = str({ minLength: 1, accepts: 'a non-empty string' });

const poolCheck = object(
  { ...common, pool: instance('a database pool with a query() method', 'query'), saturationWarn: ratio },
  { required: ['pool'] },
);
const redisCheck = object(
  { ...common, client: instance('an ioredis or node-redis client (with ping())', 'ping') },
  { required: ['client'] },
);
const httpCheck = object(
  {
    ...common,
    url: str({ pattern: /^https?:\/\/\S+$/, accepts: 'an http:// or https:// URL' }),
    method: literal('GET', 'HEAD'),
    expectedStatus: arrayOf(num({ min: 100, max: 599, integer: true }), { maxLength: 100 }),
    headers: recordOf(str()),
  },
  { required: ['url'] },
);
const diskCheck = object({
  ...common,
  path: str({ minLength: 1 }),
  minFreeRatio: ratio,
  warnFreeRatio: ratio,
  minFreeBytes: num({ min: 0, integer: true }),
});
const memoryCheck = object({ ...common, warnHeapRatio: ratio, maxHeapRatio: ratio });
const eventLoopCheck = object({ ...common, warnDelay: ms(1, 3600_000), maxDelay: ms(1, 3600_000) });

const oneOrMany = <T>(check: Check<T>): Check<T | T[]> => anyOf(check, arrayOf(check, { maxLength: 50 }));

export const healthOptionsSchema = object({
  enabled: bool(),
  path: str({ pattern: /^\/[^?#\s]*[^/?#\s]$/, accepts: 'a path starting with "/" (no trailing "/")' }),
  auth: anyOf(
    object({ bearerToken: secret }, { required: ['bearerToken'] }),
    object({ username: secret, password: secret }, { required: ['username', 'password'] }),
  ),
  details: literal('public', 'authenticated'),
  degradedStatusCode: literal(200, 207),
  interval: common.interval,
  timeout: common.timeout,
  historySize: num({ min: 1, max: 10_000, integer: true }),
  readiness,
  flapping: object({ window: ms(1, 7 * 24 * 3600_000), maxChanges: num({ min: 1, max: 10_000, integer: true }) }),
  liveMaxEventLoopDelay: ms(1, 3600_000),
  drainDelay: ms(0, 600_000),
  drainOnSignals: arrayOf(literal('SIGTERM', 'SIGINT'), { maxLength: 2 }),
  checks: object({
    postgres: oneOrMany(poolCheck),
    mysql: oneOrMany(poolCheck),
    redis: oneOrMany(redisCheck),
    http: oneOrMany(httpCheck),
    disk: anyOf(bool(), diskCheck),
    memory: anyOf(bool(), memoryCheck),
    eventLoop: anyOf(bool(), eventLoopCheck),
  }),
});

export interface ResolvedHealthOptions {
  enabled: boolean;
  path: string;
  auth: HealthOptions['auth'];
  details: 'public' | 'authenticated';
  degradedStatusCode: 200 | 207;
  interval: number;
  timeout: number;
  historySize: number;
  readiness: { failureThreshold: number; successThreshold: number };
  flapping: { window: number; maxChanges: number };
  liveMaxEventLoopDelay: number;
  drainDelay: number;
  drainOnSignals: ('SIGTERM' | 'SIGINT')[];
  checks: BuiltInChecks;
}

export function resolveHealthOptions(input: HealthOptions | undefined): ResolvedHealthOptions {
  return {
    enabled: input?.enabled ?? true,
    path: input?.path ?? '/health',
    auth: input?.auth,
    details: input?.details ?? 'authenticated',
    degradedStatusCode: input?.degradedStatusCode ?? 207,
    interval: input?.interval ?? 10_000,
    timeout: input?.timeout ?? 5_000,
    historySize: input?.historySize ?? 60,
    readiness: {
      failureThreshold: input?.readiness?.failureThreshold ?? 3,
      successThreshold: input?.readiness?.successThreshold ?? 1,
    },
    flapping: { window: input?.flapping?.window ?? 10 * 60_000, maxChanges: input?.flapping?.maxChanges ?? 4 },
    liveMaxEventLoopDelay: input?.liveMaxEventLoopDelay ?? 5_000,
    drainDelay: input?.drainDelay ?? 0,
    drainOnSignals: input?.drainOnSignals ?? [],
    checks: input?.checks ?? {},
  };
}
