import net from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host` (bind port 0, read it, close).
 *
 * Why not a fixed port: tests run in parallel workers and on shared machines, so any fixed port
 * will eventually collide. The port is only *probably* free once we close it: another process can
 * grab it before the caller binds. Callers that hand the port to another process (Prometheus)
 * must retry on EADDRINUSE.
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address: ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
