import type { QueryObservation } from './hub';
import type { RedisTraceContext } from './redis-channels';
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

// node-redis (`redis` / `@redis/client`) >= 5.12 < 7 (tested with 5.12.4 and 6.3.1): commands,
// transactions and connections come from node-redis's own TracingChannels — `node-redis:command`
// (each command, pipelined ones too, marked `batchMode: 'PIPELINE'`), `node-redis:batch`
// (MULTI and PIPELINE) and `node-redis:connect`. Whatever the import order, from ESM too, for
// clients, client pools and cluster nodes alike. A MULTI batch is the `MULTI` operation; a
// PIPELINE batch is not an operation (its commands are, see redis-channels.ts).
//
// node-redis 4 and 5 before 5.12 publish nothing: Pulse warns and records none of their commands.
//
// For the connection gauges this file wraps RedisClient.prototype.connect of the copies it can
// find, to register the client; commands awaiting replies are counted per client id from the
// channel events.

const kPatched = Symbol.for('pulse.db.node-redis.patched');

/** Commands and transactions awaiting replies, per client id (only ids with some). */
const inFlight = new Map<unknown, number>();

function counted(clientId: unknown, obs: QueryObservation): QueryObservation {
  inFlight.set(clientId, (inFlight.get(clientId) ?? 0) + 1);
  return {
    end(error, rows) {
      const left = (inFlight.get(clientId) ?? 1) - 1;
      if (left > 0) inFlight.set(clientId, left);
      else inFlight.delete(clientId);
      obs.end(error, rows);
    },
  };
}

const startOne = (ctx: RedisTraceContext): QueryObservation => counted(ctx.clientId, startCommand(ctx));
const startBatch = (ctx: RedisTraceContext): QueryObservation | undefined =>
  ctx.batchMode === 'MULTI' ? counted(ctx.clientId, startTransaction()) : undefined;

subscribeWhileRecording([
  { channel: 'node-redis:command', handlers: observingHandlers(startOne) },
  { channel: 'node-redis:batch', handlers: observingHandlers(startBatch) },
  { channel: 'node-redis:connect', handlers: observingHandlers(startRedisConnect) },
]);

interface NodeRedisLike {
  _self?: object;
  _clientId?: unknown;
  isOpen?: unknown;
  isReady?: unknown;
  options?: { url?: unknown; database?: unknown; socket?: { host?: unknown; port?: unknown; path?: unknown } };
}

function readNodeRedis(client: object): RedisClientReading | undefined {
  const c = client as NodeRedisLike;
  if (c.isOpen !== true) return undefined;
  return { connected: c.isReady === true, inFlight: inFlight.get(c._clientId) ?? 0, pending: 0 };
}

export function isNodeRedisClient(target: unknown): boolean {
  const c = target as (NodeRedisLike & { sendCommand?: unknown; connect?: unknown }) | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.sendCommand === 'function' &&
    typeof c.connect === 'function' &&
    typeof c.isOpen === 'boolean' &&
    typeof c.isReady === 'boolean' &&
    '_clientId' in c
  );
}

export function trackNodeRedisClient(target: object, name?: string): void {
  const client = (target as NodeRedisLike)._self ?? target;
  if (isTrackedRedisClient(client)) return;
  const o = (client as NodeRedisLike).options ?? {};
  const socket = o.socket ?? {};
  const server =
    name ??
    (typeof socket.path === 'string'
      ? `${socket.path}/${String(o.database ?? 0)}`
      : redisServerName(socket.host, socket.port, o.database, o.url));
  trackRedisClient(client, server, readNodeRedis);
}

interface NodeRedisModuleLike {
  createClient?: unknown;
  createCluster?: unknown;
  RedisClient?: unknown;
}

/** `redis` or `@redis/client` (any major: older ones are recognised to be warned about). */
export function isNodeRedisModule(mod: unknown): boolean {
  const m = mod as NodeRedisModuleLike | null;
  return (
    typeof m === 'object' && m !== null && typeof m.createClient === 'function' && typeof m.createCluster === 'function'
  );
}

/** Whether this copy traces its commands (5.12 added the channels and exports their names). */
export function nodeRedisPublishes(mod: unknown): boolean {
  return typeof (mod as { CHANNELS?: unknown }).CHANNELS === 'object';
}

/**
 * The client prototype: `RedisClient.prototype` where exported (6.x), else that of a client
 * created and never connected (5.x exports only createClient; creating one does no I/O).
 */
function clientPrototype(mod: NodeRedisModuleLike): object | null {
  if (typeof mod.RedisClient === 'function') return (mod.RedisClient as { prototype: object }).prototype;
  const client = (mod.createClient as () => object)();
  return Object.getPrototypeOf(client) as object | null;
}

export function patchNodeRedisModule(mod: unknown): void {
  if (!isNodeRedisModule(mod) || !nodeRedisPublishes(mod)) return;
  let proto: object | null = clientPrototype(mod as NodeRedisModuleLike);
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'connect')) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (proto !== null) {
    wrapConnectOnce(proto as Record<PropertyKey, unknown>, kPatched, (client) => {
      if (recordingRedis()) trackNodeRedisClient(client);
    });
  }
}
