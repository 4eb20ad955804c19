import net from 'node:net';

/**
 * A TCP proxy in front of a real database, for tests: `stop()` is the database going away
 * (listener closed, every connection cut), `start()` brings it back on the same port;
 * `freeze()` is a database that stops answering (connections accepted, nothing comes back),
 * `thaw()` ends it (the frozen connections are cut).
 */
export interface TcpProxy {
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  freeze(): void;
  thaw(): void;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let server: net.Server | undefined;
  let port = 0;
  let frozen = false;
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = net.createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => undefined);
        if (frozen) return; // accepted, never answered
        const upstream = net.connect(target.port, target.host);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        pairs.add([client, upstream]);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s !== undefined) await new Promise<void>((r) => s.close(() => r()));
  };
  const freeze = (): void => {
    frozen = true;
    for (const [client, upstream] of pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  };
  const thaw = (): void => {
    frozen = false;
    for (const sock of sockets) sock.destroy();
    pairs.clear();
  };
  await listen();
  return { port, start: listen, stop, close: stop, freeze, thaw };
}
