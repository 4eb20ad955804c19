import { DB_OTHER_OPERATION } from '../catalog/db';
import { errorTypeOf } from './error-type';
import type { QueryShape } from './query-shapes';

// Redis commands as database operations. `db_operation_name` is the command name, upper-case
// (OpenTelemetry's Redis conventions), only for commands Redis itself defines: anything else — a
// module's command, a typo, a name built from data — is `_OTHER`, so the label stays bounded.
// Arguments (keys, values) never reach a label or a shape: the shape's text is the command name.

/** MULTI/EXEC transactions are one operation of this name (see ioredis.ts and node-redis.ts). */
export const REDIS_MULTI_OPERATION = 'MULTI';

/**
 * Redis 8's command table, as listed by `@ioredis/commands` 2.0 (the table ioredis builds its
 * methods from). A copy, so that Pulse depends on neither client.
 */
// prettier-ignore
const KNOWN_COMMANDS: ReadonlySet<string> = new Set([
  'ACL', 'APPEND', 'ARCOUNT', 'ARDEL', 'ARDELRANGE', 'ARGET', 'ARGETRANGE', 'ARGREP', 'ARINFO', 'ARINSERT',
  'ARLASTITEMS', 'ARLEN', 'ARMGET', 'ARMSET', 'ARNEXT', 'AROP', 'ARRING', 'ARSCAN', 'ARSEEK', 'ARSET', 'ASKING',
  'AUTH', 'BACKUP', 'BGREWRITEAOF', 'BGSAVE', 'BITCOUNT', 'BITFIELD', 'BITFIELD_RO', 'BITOP', 'BITPOS', 'BLMOVE',
  'BLMOVEM', 'BLMPOP', 'BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BZMPOP', 'BZPOPMAX', 'BZPOPMIN', 'CLIENT', 'CLUSTER',
  'COMMAND', 'CONFIG', 'COPY', 'DBSIZE', 'DEBUG', 'DECR', 'DECRBY', 'DEL', 'DELEX', 'DIGEST', 'DISCARD', 'DUMP',
  'ECHO', 'EVAL', 'EVALSHA', 'EVALSHA_RO', 'EVAL_RO', 'EXEC', 'EXISTS', 'EXPIRE', 'EXPIREAT', 'EXPIRETIME',
  'FAILOVER', 'FCALL', 'FCALL_RO', 'FLUSHALL', 'FLUSHDB', 'FUNCTION', 'GEOADD', 'GEODIST', 'GEOHASH', 'GEOPOS',
  'GEORADIUS', 'GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO', 'GEORADIUS_RO', 'GEOSEARCH', 'GEOSEARCHSTORE', 'GET',
  'GETBIT', 'GETDEL', 'GETEX', 'GETRANGE', 'GETSET', 'HDEL', 'HELLO', 'HEXISTS', 'HEXPIRE', 'HEXPIREAT',
  'HEXPIRETIME', 'HGET', 'HGETALL', 'HGETDEL', 'HGETEX', 'HIMPORT', 'HINCRBY', 'HINCRBYFLOAT', 'HKEYS', 'HLEN',
  'HMGET', 'HMSET', 'HOTKEYS', 'HPERSIST', 'HPEXPIRE', 'HPEXPIREAT', 'HPEXPIRETIME', 'HPTTL', 'HRANDFIELD', 'HSCAN',
  'HSET', 'HSETEX', 'HSETNX', 'HSTRLEN', 'HTTL', 'HVALS', 'INCR', 'INCRBY', 'INCRBYFLOAT', 'INCREX', 'INFO', 'KEYS',
  'LASTSAVE', 'LATENCY', 'LCS', 'LINDEX', 'LINSERT', 'LLEN', 'LMOVE', 'LMOVEM', 'LMPOP', 'LOLWUT', 'LPOP', 'LPOS',
  'LPUSH', 'LPUSHX', 'LRANGE', 'LREM', 'LSET', 'LTRIM', 'MEMORY', 'MGET', 'MIGRATE', 'MODULE', 'MONITOR', 'MOVE',
  'MSET', 'MSETEX', 'MSETNX', 'MULTI', 'OBJECT', 'PERSIST', 'PEXPIRE', 'PEXPIREAT', 'PEXPIRETIME', 'PFADD',
  'PFCOUNT', 'PFDEBUG', 'PFMERGE', 'PFSELFTEST', 'PING', 'PSETEX', 'PSUBSCRIBE', 'PSYNC', 'PTTL', 'PUBLISH',
  'PUBSUB', 'PUNSUBSCRIBE', 'QUIT', 'RANDOMKEY', 'READONLY', 'READWRITE', 'RENAME', 'RENAMENX', 'REPLCONF',
  'REPLICAOF', 'RESET', 'RESTORE', 'RESTORE-ASKING', 'ROLE', 'RPOP', 'RPOPLPUSH', 'RPUSH', 'RPUSHX', 'SADD', 'SAVE',
  'SCAN', 'SCARD', 'SCRIPT', 'SDIFF', 'SDIFFCARD', 'SDIFFSTORE', 'SELECT', 'SET', 'SETBIT', 'SETEX', 'SETNX',
  'SETRANGE', 'SHUTDOWN', 'SINTER', 'SINTERCARD', 'SINTERSTORE', 'SISMEMBER', 'SLAVEOF', 'SLOWLOG', 'SMEMBERS',
  'SMISMEMBER', 'SMOVE', 'SORT', 'SORT_RO', 'SPOP', 'SPUBLISH', 'SRANDMEMBER', 'SREM', 'SSCAN', 'SSUBSCRIBE',
  'STRLEN', 'SUBSCRIBE', 'SUBSTR', 'SUNION', 'SUNIONCARD', 'SUNIONSTORE', 'SUNSUBSCRIBE', 'SWAPDB', 'SYNC', 'TIME',
  'TOUCH', 'TRIMSLOTS', 'TTL', 'TYPE', 'UNLINK', 'UNSUBSCRIBE', 'UNWATCH', 'VADD', 'VCARD', 'VDIM', 'VEMB',
  'VGETATTR', 'VINFO', 'VISMEMBER', 'VLINKS', 'VRANDMEMBER', 'VRANGE', 'VREM', 'VSETATTR', 'VSIM', 'WAIT', 'WAITAOF',
  'WATCH', 'XACK', 'XACKDEL', 'XADD', 'XAUTOCLAIM', 'XCFGSET', 'XCLAIM', 'XDEL', 'XDELEX', 'XGROUP', 'XIDMPRECORD',
  'XINFO', 'XLEN', 'XNACK', 'XPENDING', 'XRANGE', 'XREAD', 'XREADGROUP', 'XREVRANGE', 'XSETID', 'XTRIM', 'ZADD',
  'ZCARD', 'ZCOUNT', 'ZDIFF', 'ZDIFFSTORE', 'ZINCRBY', 'ZINTER', 'ZINTERCARD', 'ZINTERSTORE', 'ZLEXCOUNT', 'ZMPOP',
  'ZMSCORE', 'ZPOPMAX', 'ZPOPMIN', 'ZRANDMEMBER', 'ZRANGE', 'ZRANGEBYLEX', 'ZRANGEBYSCORE', 'ZRANGESTORE', 'ZRANK',
  'ZREM', 'ZREMRANGEBYLEX', 'ZREMRANGEBYRANK', 'ZREMRANGEBYSCORE', 'ZREVRANGE', 'ZREVRANGEBYLEX', 'ZREVRANGEBYSCORE',
  'ZREVRANK', 'ZSCAN', 'ZSCORE', 'ZUNION', 'ZUNIONSTORE',

]);

/** Not data access: connection, transaction and server commands, which N+1 detection ignores. */
// prettier-ignore
const NON_DATA_COMMANDS: ReadonlySet<string> = new Set([
  'ACL', 'ASKING', 'AUTH', 'CLIENT', 'CLUSTER', 'COMMAND', 'CONFIG', 'DEBUG', 'DISCARD', 'ECHO', 'EXEC',
  'HELLO', 'INFO', 'MONITOR', 'MULTI', 'PING', 'PSUBSCRIBE', 'PUNSUBSCRIBE', 'QUIT', 'READONLY', 'READWRITE',
  'RESET', 'SELECT', 'SLOWLOG', 'SSUBSCRIBE', 'SUBSCRIBE', 'SUNSUBSCRIBE', 'UNSUBSCRIBE', 'UNWATCH', 'WATCH',
]);

/** Longer names are no Redis command (the longest is 20 characters): not even upper-cased. */
const MAX_COMMAND_LENGTH = 32;

function shape(operation: string): QueryShape {
  return {
    text: operation,
    operation,
    collection: '',
    dataOperation: !NON_DATA_COMMANDS.has(operation) && operation !== DB_OTHER_OPERATION,
    okSeries: undefined,
  };
}

/**
 * One shape per known command (N+1 detection counts runs per shape, so a loop of GETs is one
 * pattern), cached by the name as the client spells it (`get` for ioredis, `GET` for
 * node-redis): at most two entries per known command.
 */
export class RedisCommandShapes {
  private readonly byName = new Map<string, QueryShape>();
  private readonly byOperation = new Map<string, QueryShape>();
  private readonly other = shape(DB_OTHER_OPERATION);

  of(name: string): QueryShape {
    const hit = this.byName.get(name);
    if (hit !== undefined) return hit;
    if (name.length > MAX_COMMAND_LENGTH) return this.other;
    const operation = name.toUpperCase();
    if (!KNOWN_COMMANDS.has(operation)) return this.other;
    let found = this.byOperation.get(operation);
    if (found === undefined) {
      found = shape(operation);
      this.byOperation.set(operation, found);
    }
    this.byName.set(name, found);
    return found;
  }
}

/** Longest error prefix taken as `error_type` (`CLUSTERDOWN`, `NOREPLICAS`, `WRONGTYPE`…). */
const MAX_PREFIX_LENGTH = 24;

/**
 * `error_type` of a failed Redis operation: the error reply's prefix (`WRONGTYPE`, `ERR`,
 * `NOSCRIPT`, `EXECABORT`), as OpenTelemetry's `db.response.status_code`; for anything that
 * is no error reply (a refused connection, a closed client) the generic rule (`ECONNREFUSED`,
 * `ClientClosedError`). Reads at most the first 25 characters of the message.
 */
export function redisErrorTypeOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') {
    let i = 0;
    while (i < message.length && i <= MAX_PREFIX_LENGTH) {
      const c = message.charCodeAt(i);
      if (c < 65 || c > 90) break; // A-Z
      i++;
    }
    if (i >= 2 && i <= MAX_PREFIX_LENGTH && (i === message.length || message.charCodeAt(i) === 32)) {
      return message.slice(0, i);
    }
  }
  return errorTypeOf(error);
}
