// The reference floor shared by the wall-clock and the instruction-count benchmarks: a
// hand-written prom-client histogram middleware, res.on('finish') + one observe with
// method/route/status labels.
export function promClientMiddleware(client) {
  const histogram = new client.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  });
  return (req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      // No-route responses get one constant value, never req.path.
      const route = req.route ? req.baseUrl + req.route.path : '(unmatched)';
      histogram.observe(
        { method: req.method, route, status: String(res.statusCode) },
        (performance.now() - start) / 1000,
      );
    });
    next();
  };
}
