import { unlinkSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';

// The peer channel: a unix socket per worker in the cluster's private folder (local only, this
// user only). A request is one byte, `m` (metrics state), `h` or `v` (health, verbose); the answer is JSON,
// then the socket ends. Nothing else a client sends is read.

export type PeerRequest = 'm' | 'h' | 'v';

/** Connections a worker serves at once; more wait in the backlog (peers are few). */
const MAX_CONNECTIONS = 32;
/** A client that sends nothing for this long is dropped. */
const IDLE_MS = 10_000;
/** The largest answer a client accepts (a worker with millions of series is refused, and counted). */
export const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

export type PeerAnswer = (request: PeerRequest) => Promise<string>;

/** Listens on `path`; each request is answered by `answer`. A failed answer just closes the socket. */
export function servePeers(path: string, answer: PeerAnswer): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause(); // the rest of what the client sends is never read
      const request = String.fromCharCode(chunk[0] ?? 0);
      if (request !== 'm' && request !== 'h' && request !== 'v') return void socket.destroy();
      answer(request).then(
        (body) => socket.end(body),
        () => socket.destroy(),
      );
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    try {
      unlinkSync(path); // our key is unique: a file by this name is a leftover
    } catch {
      // none
    }
    // exclusive: bound by this worker itself. Shared through the primary (node:cluster's default),
    // the primary would delete the socket file when the worker dies, hiding that it ever existed.
    server.listen({ path, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      server.unref(); // the peer socket never keeps the app alive
      resolve(server);
    });
  });
}

export type AskFailure = 'timeout' | 'exited' | 'failed';

export class PeerError extends Error {
  constructor(readonly outcome: AskFailure) {
    super(`peer ${outcome}`);
  }
}

/** Asks one peer; rejects with a PeerError within `timeoutMs` whatever the peer does. */
export function askPeer(path: string, request: PeerRequest, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const finish = (err: PeerError | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const socket = createConnection(path);
    const timer = setTimeout(() => finish(new PeerError('timeout')), timeoutMs);
    socket.on('connect', () => socket.end(request));
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_ANSWER_BYTES) return finish(new PeerError('failed'));
      chunks.push(chunk);
    });
    socket.on('end', () => finish(undefined));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // Nobody listens on the socket file: its worker is gone.
      finish(new PeerError(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? 'exited' : 'failed'));
    });
    socket.on('close', () => finish(new PeerError('failed')));
  });
}
