import type { ConnectionDriver } from './kept-connection';

// The check's own mysql2 connection (3.x), made the way the pool makes its connections: the
// pool's connection class with a copy of its connection config. mysql2 is the application's
// dependency, not Pulse's, so the class is taken from the pool's own copy of mysql2: the parent
// class of one of its connections (a pool that has none yet lends its first, which it can
// always open at once, and gets it back).

interface MysqlConnectionLike {
  connect(callback: (err: unknown) => void): void;
  query(sql: string, callback: (err: unknown) => void): void;
  destroy(): void;
  end(callback?: (err: unknown) => void): void;
  on(event: string, listener: () => void): unknown;
  stream?: { unref?: () => unknown };
}
type ConnectionClass = new (opts: { config: object }) => MysqlConnectionLike;

interface ConnectionList {
  length: number;
  get?: (i: number) => unknown;
  toArray?: () => unknown[];
  [i: number]: unknown;
}

export interface Mysql2CorePool {
  getConnection(callback: (err: unknown, conn?: { release(): void }) => void): void;
  config?: { connectionConfig?: object };
  _createConnectionConfig?: () => object;
  _allConnections?: ConnectionList;
}

/** The first connection the pool holds (a Denque-like queue in mysql2 3.x, an array before). */
function anyConnection(pool: Mysql2CorePool): unknown {
  const all = pool._allConnections;
  if (all === undefined || all.length === 0) return undefined;
  if (typeof all.get === 'function') return all.get(0);
  if (typeof all.toArray === 'function') return all.toArray()[0];
  return all[0];
}

/** PoolConnection extends Connection: the class of a standalone connection of the same mysql2. */
function parentClass(conn: unknown): ConnectionClass | undefined {
  const PoolConnection = (conn as { constructor?: unknown } | undefined)?.constructor;
  if (typeof PoolConnection !== 'function') return undefined;
  const Connection = Object.getPrototypeOf(PoolConnection) as unknown;
  return typeof Connection === 'function' && Connection !== Function.prototype
    ? (Connection as ConnectionClass)
    : undefined;
}

function lendFirstConnection(pool: Mysql2CorePool): Promise<ConnectionClass> {
  return new Promise((resolve, reject) => {
    pool.getConnection((err, conn) => {
      if (err !== null && err !== undefined) return reject(err as Error);
      conn!.release();
      const found = parentClass(conn);
      if (found === undefined) reject(new Error('a mysql2 pool connection of an unknown shape'));
      else resolve(found);
    });
  });
}

export function mysqlConnectionDriver(pool: Mysql2CorePool): ConnectionDriver<MysqlConnectionLike> {
  let Connection: ConnectionClass | undefined;
  return {
    async prepare() {
      Connection ??= parentClass(anyConnection(pool)) ?? (await lendFirstConnection(pool));
    },
    open(onLost) {
      const config =
        typeof pool._createConnectionConfig === 'function'
          ? pool._createConnectionConfig()
          : (pool.config?.connectionConfig ?? {});
      const conn = new Connection!({ config });
      conn.on('error', onLost); // a fatal error of an idle connection is emitted: never unhandled
      conn.on('end', onLost);
      const ready = new Promise<void>((resolve, reject) => {
        conn.connect((err) => {
          if (err !== null && err !== undefined) return reject(err as Error);
          // Kept between runs, it must not keep a process alive that has nothing else to do.
          conn.stream?.unref?.();
          resolve();
        });
      });
      return { conn, ready };
    },
    ping: (conn) =>
      new Promise((resolve, reject) =>
        conn.query('SELECT 1', (err) =>
          err !== null && err !== undefined ? reject(err as Error) : resolve(undefined),
        ),
      ),
    destroy: (conn) => conn.destroy(),
    end: (conn) => conn.end(() => undefined),
  };
}
