import {
  observingHandlers,
  recordingRedis,
  startCommand,
  startRedisConnect,
  startTransaction,
  subscribeWhileRecording,
} from './redis-channels';
import type { RedisClientReading } from './redis-connections';
import { isTrackedRedisClient, redisServerName, trackRedisClient, wrapConnectOnce } from './redis-connections';

// ioredis >= 5.11 < 7 (tested with 5.11.1 and 6.0.0): commands, MULTI transactions and
// connections come from ioredis's own TracingChannels — `ioredis:command` (each command, traced
// once when written: pipelined commands one by one), `ioredis:batch` (MULTI only) and
// `ioredis:connect`. No patching is needed for them, so they work whatever the import order,
// from ESM too, for every copy of ioredis in the process and for Cluster (its commands go
// through each node's client).
//
// A transaction is sent as MULTI, its commands and EXEC, each through `ioredis:command`, all
// synchronously inside the batch's start/end window: those are skipped, the batch is the
// operation (see redis-channels.ts). Commands issued while the client is offline are announced
// when the queue is flushed on reconnect, outside the application's request: they are counted,
// but not towards a route.
//
// For the connection gauges this file also wraps Redis.prototype.connect of the copies it can
// find (the constructor and every reconnect call it), to register the client.

const kPatched = Symbol.for('pulse.db.ioredis.patched');

/** > 0 between a MULTI batch's start and end: its MULTI, commands and EXEC are being written. */
let writingTransaction = 0;

const transaction = observingHandlers(startTransaction);

subscribeWhileRecording([
  {
    channel: 'ioredis:command',
    handlers: observingHandlers((ctx) => (writingTransaction > 0 ? undefined : startCommand(ctx))),
  },
  {
    channel: 'ioredis:batch',
    handlers: {
      ...transaction,
      start(message: unknown) {
        writingTransaction++;
        transaction.start(message);
      },
      end(message: unknown) {
        writingTransaction--;
        transaction.end(message);
      },
    },
  },
  { channel: 'ioredis:connect', handlers: observingHandlers(startRedisConnect) },
]);

interface IoredisLike {
  status?: unknown;
  options?: { host?: unknown; port?: unknown; db?: unknown; path?: unknown };
  commandQueue?: { length: number };
  offlineQueue?: { length: number };
}

function readIoredis(client: object): RedisClientReading | undefined {
  const c = client as IoredisLike;
  if (c.status === 'end') return undefined;
  return {
    connected: c.status === 'ready',
    inFlight: c.commandQueue?.length ?? 0,
    pending: c.offlineQueue?.length ?? 0,
  };
}

export function isIoredisClient(target: unknown): boolean {
  const c = target as (IoredisLike & { sendCommand?: unknown; connect?: unknown }) | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.sendCommand === 'function' &&
    typeof c.connect === 'function' &&
    typeof c.status === 'string' &&
    c.offlineQueue !== undefined
  );
}

export function trackIoredisClient(client: object, name?: string): void {
  if (isTrackedRedisClient(client)) return;
  const o = (client as IoredisLike).options ?? {};
  const server =
    name ?? (typeof o.path === 'string' ? `${o.path}/${String(o.db ?? 0)}` : redisServerName(o.host, o.port, o.db));
  trackRedisClient(client, server, readIoredis);
}

interface IoredisModuleLike {
  prototype?: object;
  Cluster?: unknown;
  Command?: unknown;
}

/** The ioredis module: the Redis class, with `Cluster` and `Command` on it. */
export function isIoredisModule(mod: unknown): boolean {
  if (typeof mod !== 'function') return false;
  const m = mod as IoredisModuleLike;
  return typeof m.Cluster === 'function' && typeof m.Command === 'function';
}

/** Whether this copy traces its commands (5.11 added the channels with the context builders). */
export function ioredisPublishes(mod: unknown): boolean {
  const proto = (mod as { prototype?: { _buildCommandContext?: unknown } }).prototype;
  return typeof proto?._buildCommandContext === 'function';
}

export function patchIoredisModule(mod: unknown): void {
  if (!isIoredisModule(mod)) return;
  let proto: object | null = (mod as { prototype: object }).prototype;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'connect')) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (proto !== null) {
    wrapConnectOnce(proto as Record<PropertyKey, unknown>, kPatched, (client) => {
      if (recordingRedis() && !isTrackedRedisClient(client)) trackIoredisClient(client);
    });
  }
}
