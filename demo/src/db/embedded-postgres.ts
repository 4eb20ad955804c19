import { Worker } from 'node:worker_threads';

// An in-process PostgreSQL for `npm run demo` without a database server: PGlite (Postgres
// compiled to WASM) behind its socket server, so `pg` connects over TCP exactly as it would to
// a real server and Pulse's pg instrumentation sees ordinary queries.
//
// Why a worker thread: PGlite runs queries synchronously on the thread that owns it. On the
// demo's own thread, every slow search would block its event loop and pollute the runtime
// metrics the demo exists to show. In a worker, the database is "elsewhere", as a real one is.
// It also keeps PGlite out of jest's module sandbox, where its dynamic `import("fs")` calls fail
// and WASM start-up takes 2–3 times longer.

export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Default 0: any free port. */
  port?: number;
  /**
   * Connections the socket server accepts. It accepts ONE unless raised: pass the pool size, or
   * pool clients beyond the first wait forever. Queries are multiplexed onto PGlite's single
   * session one at a time (so statements of concurrent transactions interleave). Default 10.
   */
  maxConnections?: number;
  /** Start-up timeout. Default 60 s. */
  timeoutMs?: number;
}

// Runs as CommonJS in the worker; bare specifiers resolve from the working directory (the
// repository or the image's /app, where npm workspaces hoist the packages).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let stop;
parentPort.on('message', (msg) => {
  if (msg === 'stop' && stop) stop().then(() => parentPort.postMessage({ stopped: true }), (e) => parentPort.postMessage({ error: String(e) }));
});
(async () => {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: workerData.port, maxConnections: workerData.maxConnections });
  await server.start();
  stop = async () => { await server.stop(); await db.close(); };
  parentPort.postMessage({ port: server.server.address().port });
})().catch((err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
`;

type WorkerMessage = { port?: number; stopped?: true; error?: string };

/** Starts PGlite in memory behind a loopback socket server, in a worker thread. */
export function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const maxConnections = options.maxConnections ?? 10;
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) {
    throw new Error(`maxConnections: expected an integer from 1 to 100, got ${String(maxConnections)}`);
  }
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: options.port ?? 0, maxConnections },
    // Its own stdout/stderr would otherwise be piped through the main thread: inherit them.
    stdout: false,
    stderr: false,
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise<EmbeddedPostgres>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`embedded PostgreSQL (PGlite) did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      void worker.terminate();
      reject(new Error(`embedded PostgreSQL (PGlite) failed to start: ${err.message}`));
    };
    worker.once('error', fail);
    worker.once('message', (msg: WorkerMessage) => {
      clearTimeout(timer);
      worker.off('error', fail);
      if (msg.error !== undefined || msg.port === undefined) {
        fail(new Error(msg.error ?? 'no port'));
        return;
      }
      let stopping: Promise<void> | undefined;
      resolve({
        url: `postgres://postgres@127.0.0.1:${msg.port}/postgres`,
        stop() {
          stopping ??= new Promise<void>((done) => {
            // Graceful first (closes the server and PGlite), then the thread itself.
            const force = setTimeout(() => void worker.terminate().then(() => done()), 5_000);
            worker.once('message', () => {
              clearTimeout(force);
              void worker.terminate().then(() => done());
            });
            worker.once('exit', () => {
              clearTimeout(force);
              done();
            });
            worker.postMessage('stop');
          });
          return stopping;
        },
      });
    });
  });
}
