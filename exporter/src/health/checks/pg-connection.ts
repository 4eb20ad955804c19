import type { ConnectionDriver } from './kept-connection';

// The check's own pg client (pg 8.x, JS or native), made the way the pool makes its clients:
// `new pool.Client(pool.options)`, or from a Client's connection parameters.

interface PgClientLike {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<unknown> | undefined;
  on(event: string, listener: () => void): unknown;
  connection?: { stream?: { unref?: () => unknown; destroy?: () => unknown } };
}
type PgClientClass = new (config: object) => PgClientLike;

interface PgTarget {
  Client?: unknown;
  options?: object;
  totalCount?: unknown;
  connectionParameters?: object;
}

/** A copy with every own property (pg-pool keeps `password` non-enumerable: a spread would lose it). */
const copyOf = (config: object): object => Object.defineProperties({}, Object.getOwnPropertyDescriptors(config));

/** A factory of clients configured like `target`'s, or undefined for a shape it does not know. */
function clientFactory(target: PgTarget): (() => PgClientLike) | undefined {
  if (typeof target.Client === 'function' && typeof target.options === 'object' && 'totalCount' in target) {
    const Client = target.Client as PgClientClass;
    const options = target.options;
    return () => new Client(copyOf(options));
  }
  const params = target.connectionParameters;
  const Client = (target as { constructor?: unknown }).constructor;
  if (typeof params === 'object' && params !== null && typeof Client === 'function') {
    return () => new (Client as PgClientClass)(copyOf(params));
  }
  return undefined;
}

const noop = (): void => undefined;

export function pgConnectionDriver(target: unknown): ConnectionDriver<PgClientLike> | undefined {
  const make = clientFactory(target as PgTarget);
  if (make === undefined) return undefined;
  return {
    open(onLost) {
      const client = make();
      client.on('error', onLost); // an idle client whose backend was terminated emits 'error'
      client.on('end', onLost);
      const ready = client.connect().then(() => {
        // Kept between runs, it must not keep a process alive that has nothing else to do.
        client.connection?.stream?.unref?.();
      });
      return { conn: client, ready };
    },
    ping: (client) => client.query('SELECT 1'),
    // The socket itself: end() would wait for a connect that may never complete.
    destroy: (client) => {
      const stream = client.connection?.stream;
      if (typeof stream?.destroy === 'function') stream.destroy();
      else void client.end()?.catch(noop);
    },
    end: (client) => void client.end()?.catch(noop),
  };
}
