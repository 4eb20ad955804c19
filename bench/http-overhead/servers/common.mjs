// Shared pieces of every benchmark server: the routes, and the harness that
// talks to the orchestrator (run.mjs) over the IPC channel.
//
// Protocol (child <-> parent, process.send):
//   child -> {type: 'ready', port, metricsUrl}            once listening
//   parent -> {cmd: 'stats', id}                          at window start / end
//   child -> {type: 'stats', id, cpuUser, cpuSystem, rss, t}
// The child exits when the IPC channel closes (parent gone) or after
// BENCH_CHILD_TTL_MS, whichever comes first.

/** The application under test: identical in every variant. */
export function addRoutes(app, express) {
  const api = express.Router();
  api.get('/users/:id', (req, res) => {
    const id = Number(req.params.id);
    res.json({ id, name: `user-${id}`, email: `user${id}@example.test`, active: id % 2 === 0 });
  });
  app.use('/api', api);
  app.get('/health', (req, res) => {
    res.json({ status: 'ok' });
  });
}

/**
 * Listen on an ephemeral loopback port and report to the parent.
 * @param app express app
 * @param {{metricsPath?: string, metricsUrl?: string}} metrics where the scraper finds the metrics
 */
export async function serve(app, metrics = {}) {
  const ttl = Number(process.env.BENCH_CHILD_TTL_MS || 30 * 60_000);
  setTimeout(() => process.exit(3), ttl).unref();
  process.on('disconnect', () => process.exit(0));

  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const { port } = server.address();

  process.on('message', (m) => {
    if (m && m.cmd === 'stats') {
      const c = process.cpuUsage();
      process.send({
        type: 'stats',
        id: m.id,
        cpuUser: c.user,
        cpuSystem: c.system,
        rss: process.memoryUsage.rss(),
        t: performance.now(),
      });
    }
  });

  const metricsUrl =
    metrics.metricsUrl ?? (metrics.metricsPath ? `http://127.0.0.1:${port}${metrics.metricsPath}` : null);
  process.send({ type: 'ready', port, metricsUrl });
  return server;
}
