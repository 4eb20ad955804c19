// The stack's webhook receiver for Grafana Alerting (service `alert-sink` in docker-compose.yml).
// Prints one line per notification and keeps the last 100 in memory: GET /alerts lists them
// (newest last), GET /health answers 200. No dependencies: runs on any Node >= 18.
import http from 'node:http';

const PORT = Number(process.env.PORT ?? 9099);
const KEEP = 100;
const MAX_BODY = 1024 * 1024;
const received = [];

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://sink').pathname;
  if (req.method === 'GET' && path === '/health') return reply(res, 200, { status: 'ok' });
  if (req.method === 'GET' && path === '/alerts') return reply(res, 200, received);
  if (req.method !== 'POST' || path !== '/alerts')
    return reply(res, 404, { error: 'POST /alerts, GET /alerts, GET /health' });

  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    let payload;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'body is not JSON' });
    }
    received.push({ receivedAt: new Date().toISOString(), payload });
    if (received.length > KEEP) received.shift();
    const alerts = Array.isArray(payload.alerts) ? payload.alerts : [];
    const names = alerts.map((a) => `${a.labels?.alertname ?? '?'}:${a.status ?? '?'}`).join(', ');
    console.log(`${new Date().toISOString()} ${payload.status ?? '?'} ${payload.title ?? ''} [${names}]`);
    reply(res, 200, { received: alerts.length });
  });
});

server.listen(PORT, () => console.log(`alert-sink listening on :${PORT} (POST /alerts)`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
