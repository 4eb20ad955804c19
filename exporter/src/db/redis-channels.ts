import dc from 'node:diagnostics_channel';
import type { QueryObservation } from './hub';
import { onRecordersChanged, recordersFor, startConnect, startQuery } from './hub';
import { REDIS_MULTI_OPERATION } from './redis-commands';

// What ioredis and node-redis publish, turned into operations. Both clients trace each command,
// batch and connection with a TracingChannel (`tracePromise`): start → end, then on settle
// error? → asyncStart → asyncEnd. An operation ends at asyncStart, before the application's
// continuation runs, so its time is not counted. Pulse subscribes only while some Pulse
// instance records redis (a subscriber makes the clients build a context object per command).
//
// Counting, the same for both clients:
//   a command               one operation, named by the command
//   a pipeline              one operation per command (Redis runs each on its own, each may fail
//                           on its own); no operation for the pipeline itself, which is transport
//   a MULTI/EXEC transaction one `MULTI` operation for the whole transaction (Redis runs it as one
//                           unit, and node-redis reports no per-command events for it); the
//                           commands queued inside it are not operations of their own.
// So a GET counts the same whether sent alone or pipelined.

const kObservation = Symbol('pulse.db.redis.observation');
const redis = recordersFor('redis');

/** The context object a client publishes; Pulse keeps its observation on it between events. */
export interface RedisTraceContext {
  command?: unknown;
  args?: unknown;
  batchMode?: unknown;
  clientId?: unknown;
  error?: unknown;
  [kObservation]?: QueryObservation;
}

function finish(ctx: RedisTraceContext): void {
  const obs = ctx[kObservation];
  if (obs === undefined) return;
  ctx[kObservation] = undefined;
  const failed = ctx.error !== undefined && ctx.error !== null;
  obs.end(failed ? ctx.error : undefined, undefined);
}

export interface ChannelHandlers {
  start(message: unknown): void;
  end(message: unknown): void;
  asyncStart(message: unknown): void;
  asyncEnd(message: unknown): void;
  error(message: unknown): void;
}

/** Handlers that end whatever observation `begin` put on the context. */
export function observingHandlers(begin: (ctx: RedisTraceContext) => QueryObservation | undefined): ChannelHandlers {
  return {
    start(message) {
      if (redis.length === 0) return;
      const ctx = message as RedisTraceContext;
      const obs = begin(ctx);
      if (obs !== undefined) ctx[kObservation] = obs;
    },
    end(message) {
      const ctx = message as RedisTraceContext;
      if (ctx.error !== undefined) finish(ctx); // thrown synchronously: no asyncStart follows
    },
    asyncStart(message) {
      finish(message as RedisTraceContext);
    },
    asyncEnd() {},
    error() {},
  };
}

/** A command: its name, and with `db.slowQueries.parameters` the arguments the client kept. */
export const startCommand = (ctx: RedisTraceContext): QueryObservation =>
  startQuery(redis, typeof ctx.command === 'string' ? ctx.command : '', ctx.args);

/** A MULTI/EXEC transaction as one operation. */
export const startTransaction = (): QueryObservation => startQuery(redis, REDIS_MULTI_OPERATION, undefined);

export const startRedisConnect = (): QueryObservation => startConnect(redis);

/** True while some Pulse instance records redis. */
export const recordingRedis = (): boolean => redis.length > 0;

export interface Subscription {
  readonly channel: string;
  readonly handlers: ChannelHandlers;
}

/** Subscribes `list` while redis has recorders (kept referenced here, see nodejs/node#47520). */
export function subscribeWhileRecording(list: readonly Subscription[]): void {
  const channels = list.map(({ channel, handlers }) => ({ channel: dc.tracingChannel(channel), handlers }));
  let subscribed = false;
  const sync = (): void => {
    const want = redis.length > 0;
    if (want === subscribed) return;
    subscribed = want;
    for (const { channel, handlers } of channels) {
      if (want) channel.subscribe(handlers);
      else channel.unsubscribe(handlers);
    }
  };
  onRecordersChanged((system) => {
    if (system === 'redis') sync();
  });
  sync();
}
