import type { PoolReading } from './pool-metrics';
import { trackPool } from './pool-metrics';

// Redis connection state for the pool gauges. A Redis client holds one connection, multiplexed
// (node-redis pools hold several clients). Clients are grouped by server (`host:port/db`), so
// the gauges read "connections this process holds to that server" however many clients the app
// made, with one series set per server rather than per client:
//   db_client_connection_count{state="used"}   connected clients with commands awaiting replies
//   db_client_connection_count{state="idle"}   connected clients with none
//   db_client_connection_pending_requests      commands waiting for a connection (offline queue)
//   db_client_connection_max                   clients (connected or not) — one connection each
// A disconnected client counts in neither state: idle + used = 0 means the server is unreachable.

/** How one client reads; undefined once it was closed for good (quit, disconnect). */
export interface RedisClientReading {
  connected: boolean;
  inFlight: number;
  pending: number;
}
export type RedisClientReader = (client: object) => RedisClientReading | undefined;

interface Group {
  readonly clients: Map<WeakRef<object>, RedisClientReader>;
  forgotten: boolean;
}

const GROUPS_KEY = Symbol.for('pulse.db.redis.connections.v1');
interface Registry {
  groups: Map<string, Group>;
  seen: WeakSet<object>;
}
const holder = globalThis as { [GROUPS_KEY]?: Registry };
const registry: Registry = (holder[GROUPS_KEY] ??= { groups: new Map(), seen: new WeakSet() });

function readGroup(group: Group): PoolReading | undefined {
  const reading: PoolReading = { idle: 0, used: 0, pending: 0, max: 0 };
  for (const [ref, read] of group.clients) {
    const client = ref.deref();
    const one = client === undefined ? undefined : read(client);
    if (one === undefined) {
      group.clients.delete(ref);
      continue;
    }
    reading.max++;
    reading.pending += one.pending;
    if (one.connected) {
      if (one.inFlight > 0) reading.used++;
      else reading.idle++;
    }
  }
  if (group.clients.size > 0) return reading;
  group.forgotten = true; // every client closed: the pool gauges drop the series
  return undefined;
}

export function isTrackedRedisClient(client: object): boolean {
  return registry.seen.has(client);
}

/** Adds a client to its server's group (once per client). */
export function trackRedisClient(client: object, server: string, read: RedisClientReader): void {
  if (registry.seen.has(client)) return;
  registry.seen.add(client);
  let group = registry.groups.get(server);
  if (group === undefined || group.forgotten) {
    const created: Group = { clients: new Map(), forgotten: false };
    registry.groups.set(server, created);
    trackPool(created, server, () => readGroup(created));
    group = created;
  }
  group.clients.set(new WeakRef(client), read);
}

/** `host:port/db` from connection settings or a `redis://` URL, never the user or password. */
export function redisServerName(host: unknown, port: unknown, db: unknown, url?: unknown): string {
  let h = typeof host === 'string' ? host : undefined;
  let p = typeof port === 'number' || typeof port === 'string' ? String(port) : undefined;
  let d = typeof db === 'number' || typeof db === 'string' ? String(db) : undefined;
  if (typeof url === 'string') {
    try {
      const parsed = new URL(url);
      h ??= parsed.hostname || undefined;
      p ??= parsed.port || undefined;
      const path = parsed.pathname.replace(/^\//, '');
      d ??= /^\d{1,5}$/.test(path) ? path : undefined;
    } catch {
      // not a URL: keep what we have
    }
  }
  return `${h ?? 'localhost'}:${p ?? '6379'}/${d ?? '0'}`;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps a client class's `connect()` once (marked with `marker`) so each client that connects is
 * handed to `onConnect` for the connection gauges. Neither Redis client's diagnostics channels
 * carry the client itself; a failure here costs the gauges, never the connection.
 */
export function wrapConnectOnce(
  proto: Record<PropertyKey, unknown>,
  marker: symbol,
  onConnect: (client: object) => void,
): void {
  if (typeof proto.connect !== 'function' || proto[marker] === true) return;
  Object.defineProperty(proto, marker, { value: true, enumerable: false });
  const original = proto.connect as AnyFn;
  proto.connect = function pulseRedisConnect(this: object) {
    try {
      onConnect(this);
    } catch {
      // the gauges miss this client; the connection itself is untouched
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}
