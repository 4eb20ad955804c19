// The stack's webhook receiver for Grafana Alerting (service `alert-sink` in docker-compose.yml).
// Prints one line per notification and keeps the last 100 in memory: GET /alerts lists them
// (newest last), GET /health answers 200. No dependencies: runs on any Node >= 18.
//
// Every POST must carry Grafana's HMAC signature (contact point `hmacConfig`): hex
// HMAC-SHA256(secret, "<timestamp>:<body>") in X-Grafana-Alerting-Signature, the Unix timestamp in
// X-Grafana-Alerting-Timestamp, at most 5 minutes off (a replayed notification is refused).
// Without WEBHOOK_HMAC_SECRET the sink refuses to start: unsigned alerts are never accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const PORT = Number(process.env.PORT ?? 9099);
const SECRET = process.env.WEBHOOK_HMAC_SECRET ?? '';
const SIGNATURE_HEADER = 'x-grafana-alerting-signature';
const TIMESTAMP_HEADER = 'x-grafana-alerting-timestamp';
const MAX_SKEW_SECONDS = 300;
const KEEP = 100;
const MAX_BODY = 1024 * 1024;
const received = [];

if (SECRET === '') {
  console.error('alert-sink: WEBHOOK_HMAC_SECRET is not set; refusing to accept unsigned notifications');
  process.exit(1);
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Why the request's signature is not Grafana's for this body, or undefined when it is. */
function signatureProblem(headers, body) {
  const signature = headers[SIGNATURE_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'missing signature or timestamp header';
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed timestamp';
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return 'timestamp too old or in the future';
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'malformed signature';
  const expected = createHmac('sha256', SECRET).update(`${timestamp}:`).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? undefined : 'signature mismatch';
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
    const body = Buffer.concat(chunks);
    const problem = signatureProblem(req.headers, body);
    if (problem) {
      console.warn(`${new Date().toISOString()} rejected: ${problem}`);
      return reply(res, 401, { error: problem });
    }
    let payload;
    try {
      payload = JSON.parse(body.toString('utf8'));
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

server.listen(PORT, () => console.log(`alert-sink listening on :${PORT} (POST /alerts, HMAC-signed)`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
