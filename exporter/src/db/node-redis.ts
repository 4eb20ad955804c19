import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
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
// node-redis 4 (`redis` 4.x, `@redis/client` 1.x) publishes nothing: Pulse wraps the one method
// every command goes through, RedisCommandsQueue.prototype.addCommand (the method 5.12's own
// command tracing wraps too), and counts as above — a MULTI (MULTI, its commands and EXEC share a
// chainId) is one `MULTI` operation ended by EXEC's reply, a pipeline's commands one each.
// node-redis 5 before 5.12 publishes nothing either and is not wrapped: Pulse warns about it.
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
  wrapClientConnect(mod as NodeRedisModuleLike);
}

/** Registers each client of this copy for the connection gauges when it connects. */
function wrapClientConnect(mod: NodeRedisModuleLike): void {
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

const kPatched4 = Symbol.for('pulse.db.node-redis4.queue.patched');

interface QueueOptionsLike {
  chainId?: unknown;
}
type AddCommand = (this: unknown, args: unknown, options?: QueueOptionsLike) => unknown;

/** The commands-queue module of the @redis/client 1.x copy `filename` (its or `redis` 4's main file) belongs to. */
function queueModuleOf(filename: string): unknown {
  const file = 'dist' + sep + 'lib' + sep + 'client' + sep + 'commands-queue.js';
  const own = sep + '@redis' + sep + 'client' + sep + 'dist' + sep + 'index.js';
  const req = createRequire(filename);
  return filename.endsWith(own)
    ? req(join(dirname(filename), 'lib', 'client', 'commands-queue.js'))
    : req(req.resolve('@redis/client/' + file.split(sep).join('/')));
}

/** node-redis 4's client has these executors (5.x has neither). */
function isNodeRedis4(mod: NodeRedisModuleLike): boolean {
  const proto = Object.getPrototypeOf((mod.createClient as () => object)()) as {
    commandsExecutor?: unknown;
    multiExecutor?: unknown;
  } | null;
  return typeof proto?.commandsExecutor === 'function' && typeof proto.multiExecutor === 'function';
}

/** Open MULTI transactions by chainId, between their MULTI and their EXEC being queued. */
const transactions = new Map<unknown, QueryObservation>();

function observeReply(reply: unknown, obs: QueryObservation): void {
  if (reply instanceof Promise) {
    reply.then(
      () => obs.end(undefined, undefined),
      (err: unknown) => obs.end(err, undefined),
    );
  } else obs.end(undefined, undefined);
}

/** Ends `obs` when the command's reply (or error) arrives, or at once if sending threw. */
function sendObserved(send: () => unknown, obs: QueryObservation | undefined): unknown {
  let reply: unknown;
  try {
    reply = send();
  } catch (err) {
    obs?.end(err, undefined);
    throw err;
  }
  if (obs !== undefined) observeReply(reply, obs);
  return reply;
}

/** One queued command: an operation, part of a transaction, or a transaction's start or end. */
function queued(args: unknown, options: QueueOptionsLike | undefined, send: () => unknown): unknown {
  if (!recordingRedis() || !Array.isArray(args)) return send();
  const chainId = options?.chainId;
  const name = String(args[0]).toUpperCase();
  if (chainId === undefined) return sendObserved(send, startCommand({ command: name, args }));
  if (name === 'MULTI' && !transactions.has(chainId)) transactions.set(chainId, startTransaction());
  if (name !== 'EXEC') return send();
  const obs = transactions.get(chainId);
  transactions.delete(chainId);
  return sendObserved(send, obs);
}

/**
 * node-redis 4: wraps the commands queue's addCommand of this copy. Returns false for any other
 * version (or a copy whose files are not where 4.x keeps them), which is then warned about.
 */
export function patchNodeRedis4(mod: unknown, filename: string | undefined): boolean {
  if (filename === undefined || !isNodeRedisModule(mod) || nodeRedisPublishes(mod)) return false;
  try {
    if (!isNodeRedis4(mod as NodeRedisModuleLike)) return false;
    const queueModule = queueModuleOf(filename) as { default?: { prototype?: Record<PropertyKey, unknown> } };
    const proto = queueModule.default?.prototype;
    if (proto === undefined || typeof proto.addCommand !== 'function') return false;
    if (proto[kPatched4] === true) {
      wrapClientConnect(mod as NodeRedisModuleLike);
      return true;
    }
    const original = proto.addCommand as AddCommand;
    proto.addCommand = function addCommand(this: unknown, args: unknown, options?: QueueOptionsLike): unknown {
      return queued(args, options, () => original.call(this, args, options));
    };
    proto[kPatched4] = true;
    wrapClientConnect(mod as NodeRedisModuleLike);
    return true;
  } catch {
    return false;
  }
}
