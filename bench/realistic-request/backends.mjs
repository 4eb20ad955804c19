// What the realistic request talks to besides PostgreSQL, in one process of its own (on the load
// generator's core): a stub HTTP API for the outgoing fetch, and a Loki-compatible push receiver
// for Pulse's error events. The receiver accepts pushes like Loki (204) and only counts them:
// decoding is not what is measured, and a growing store would slow the core it shares.
//
// Protocol: child -> {type: 'ready', stubUrl, lokiUrl}; parent -> {cmd: 'count', id};
// child -> {type: 'count', id, pushes, bytes, stubRequests}.
import http from 'node:http';

const counts = { pushes: 0, bytes: 0, stubRequests: 0 };

function listen(handler) {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
    server.on('error', reject);
  });
}

// GET /price/:id -> a small JSON document, answered at once.
const stubUrl = await listen((req, res) => {
  counts.stubRequests++;
  const id = Number(req.url.split('/').pop()) || 0;
  const body = JSON.stringify({ id, amount: (id % 97) + 0.99, currency: 'EUR' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

// POST /loki/api/v1/push -> 204 (Loki's answer to an accepted push).
const lokiUrl = await listen((req, res) => {
  if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') {
    res.writeHead(404).end();
    return;
  }
  req.on('data', (c) => (counts.bytes += c.length));
  req.on('end', () => {
    counts.pushes++;
    res.writeHead(204).end();
  });
});

const ttl = Number(process.env.BENCH_CHILD_TTL_MS || 30 * 60_000);
setTimeout(() => process.exit(3), ttl).unref();
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m?.cmd === 'count') process.send({ type: 'count', id: m.id, ...counts });
});
process.send({ type: 'ready', stubUrl, lokiUrl });
