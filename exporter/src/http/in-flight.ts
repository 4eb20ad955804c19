import dc from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentContext } from '../context/request-context';
import type { HttpRequestContext } from '../context/request-context';

// How the HTTP signal learns that a response ended without a listener per request. node:http
// publishes every request's start and every response's finish on diagnostics channels; a client
// that hangs up closes its socket, watched with one listener per connection. In a CPU profile the
// per-request `res.on('close')` and the reads of `res` it led to (`writableFinished`) were the
// largest items of Pulse's request path, so that listener is kept only as the fallback for
// requests node:http does not announce (hand-made requests in tests, http2 compat, Pulse's
// middleware placed after a middleware that waits).

/** The payload of `http.server.request.start` and `http.server.response.finish`. */
interface ServerMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  server: object;
}
interface Socket {
  destroyed?: boolean;
  on(event: 'close', listener: (this: Socket) => void): unknown;
}

/** Called once per tracked request: `aborted` when its socket closed before the response finished. */
export type ResponseEnded = (response: ServerResponse, ctx: HttpRequestContext, aborted: boolean) => void;

export class InFlightRequests {
  /** Newest first; linked through the contexts themselves, so tracking allocates nothing. */
  private newest: HttpRequestContext | undefined;
  /** The latest `request.start` message: the middleware's request, if node:http is serving it. */
  private lastStart: ServerMessage | undefined;
  private readonly servers = new WeakSet<object>();
  private lastServer: object | undefined;
  private readonly sockets = new WeakSet<object>();
  private readonly startChannel = dc.channel('http.server.request.start');
  private readonly finishChannel = dc.channel('http.server.response.finish');

  private readonly onStart = (message: unknown): void => {
    this.lastStart = message as ServerMessage;
  };

  private readonly onFinish = (message: unknown): void => {
    const { request, response, server } = message as ServerMessage;
    if (server !== this.lastServer && !this.servers.has(server)) return; // a server Pulse does not measure
    // A handler that answers synchronously ends the newest request: one comparison, cheaper than
    // an AsyncLocalStorage lookup. Otherwise the async context, then (a callback that lost its
    // context ended the response) a walk of the list.
    let ctx = this.newest;
    if (ctx === undefined || ctx.request !== request) {
      ctx = currentContext() as HttpRequestContext | undefined;
      if (ctx === undefined || ctx.request !== request || ctx.inFlightList !== this) ctx = this.find(request);
    }
    if (ctx === undefined) return; // an excluded path (Pulse's own endpoints) or an untracked request
    this.unlink(ctx);
    this.ended(response, ctx, false);
  };

  private readonly onSocketClose = (socket: Socket): void => {
    for (let ctx = this.newest; ctx !== undefined;) {
      const older = ctx.next;
      if (ctx.socket === socket) {
        const response = ctx.response as ServerResponse;
        this.unlink(ctx);
        this.ended(response, ctx, true);
      }
      ctx = older;
    }
  };

  constructor(private readonly ended: ResponseEnded) {
    this.startChannel.subscribe(this.onStart);
    this.finishChannel.subscribe(this.onFinish);
  }

  /**
   * Tracks `ctx` until its response finishes or its connection closes. False when node:http did
   * not announce this request (then the caller must listen on the response itself).
   */
  track(ctx: HttpRequestContext, request: IncomingMessage): boolean {
    const start = this.lastStart;
    if (start === undefined || start.request !== request) return false;
    this.lastStart = undefined; // hold no request longer than needed
    const { socket, server } = start;
    if (server !== this.lastServer) {
      this.servers.add(server);
      this.lastServer = server;
    }
    if (!this.sockets.has(socket)) {
      this.sockets.add(socket);
      const onSocketClose = this.onSocketClose;
      socket.on('close', function socketClosed(this: Socket) {
        onSocketClose(this);
      });
      // Already gone before Pulse saw the request: its 'close' will not come again.
      if (socket.destroyed === true) setImmediate(onSocketClose, socket);
    }
    ctx.socket = socket;
    ctx.response = start.response;
    ctx.inFlightList = this;
    ctx.next = this.newest;
    if (this.newest !== undefined) this.newest.prev = ctx;
    this.newest = ctx;
    return true;
  }

  close(): void {
    this.startChannel.unsubscribe(this.onStart);
    this.finishChannel.unsubscribe(this.onFinish);
    this.lastStart = undefined;
  }

  private find(request: unknown): HttpRequestContext | undefined {
    for (let ctx = this.newest; ctx !== undefined; ctx = ctx.next) if (ctx.request === request) return ctx;
    return undefined;
  }

  private unlink(ctx: HttpRequestContext): void {
    const { prev, next } = ctx;
    if (prev !== undefined) prev.next = next;
    else this.newest = next;
    if (next !== undefined) next.prev = prev;
    ctx.prev = ctx.next = undefined;
    ctx.socket = ctx.response = ctx.inFlightList = undefined;
  }
}
