/**
 * Redaction with real secrets: a signed JWT, an HTTP Basic credential, a session cookie, API keys
 * in query strings and a password in a JSON body go through a real Express app and its error
 * handler to a Loki receiver. None of them may appear anywhere in what Loki received (lines,
 * labels or structured metadata); the parts that are not secret still do.
 */
import { createHmac, randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { PulseConfigError } from '../../src/config/errors';
import { createPulse } from '../../src/pulse';
import type { Pulse } from '../../src/pulse';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { counterTotal, pulseShippingTo } from '../logs/helpers';

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
function signedJwt(): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: 'user-8812', iat: Math.floor(Date.now() / 1000), scope: 'admin' }));
  const sig = createHmac('sha256', randomBytes(32)).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

const base62 = (n: number): string =>
  [...randomBytes(n)].map((b) => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[b % 62]).join('');

const secrets = {
  jwt: signedJwt(),
  basicPassword: `pw-${randomBytes(12).toString('hex')}`,
  session: `s%3A${randomBytes(24).toString('base64url')}`,
  apiKey: `sk_live_${randomBytes(18).toString('hex')}`,
  githubToken: `ghp_${base62(36)}`,
  password: `Tr0ub4dor&3-${randomBytes(6).toString('hex')}`,
  cardNumber: '4242424242424242',
  setCookie: `refresh=${randomBytes(16).toString('hex')}`,
};

let loki: LokiReceiver;
let pulse: Pulse;
beforeEach(async () => {
  loki = await startLokiReceiver();
});
afterEach(async () => {
  await pulse.shutdown();
  await loki.stop();
});

/** Everything Loki stored, as one string: lines, labels and structured metadata. */
function everythingLokiGot(): string {
  return loki
    .entries()
    .map((e) => `${e.stream} ${e.line} ${JSON.stringify(e.metadata)}`)
    .join('\n');
}

function app(p: Pulse): express.Express {
  const a = express();
  a.use(p.middleware());
  a.use(express.json());
  a.post('/login', (req, res, next) => {
    res.setHeader('set-cookie', secrets.setCookie);
    next(Object.assign(new Error(`login failed for ${req.body.email} with token ${secrets.jwt}`), { status: 401 }));
  });
  a.use(p.errorHandler());
  a.use(
    (err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
      void res.status(err.status ?? 500).end(),
  );
  return a;
}

async function loginFailure(p: Pulse): Promise<void> {
  const basic = Buffer.from(`alice:${secrets.basicPassword}`).toString('base64');
  await request(app(p))
    .post(`/login?access_token=${secrets.jwt}&api_key=${secrets.apiKey}&page=2&github=${secrets.githubToken}`)
    .set('authorization', `Basic ${basic}`)
    .set('cookie', `sid=${secrets.session}; theme=dark`)
    .set('x-api-key', secrets.apiKey)
    .set('referer', `https://app.example.com/settings?token=${secrets.githubToken}&tab=keys`)
    .set('user-agent', 'redaction-test/1.0')
    .send({
      email: 'alice@example.com',
      password: secrets.password,
      card: { number: secrets.cardNumber, cvv: '123' },
      plan: 'pro',
    })
    .expect(401);
}

test('by default: allow-listed headers only, query names without values, no body, secrets masked in messages', async () => {
  pulse = pulseShippingTo(loki);
  await loginFailure(pulse);
  await pulse.shutdown();

  const all = everythingLokiGot();
  for (const [name, value] of Object.entries(secrets))
    expect({ name, leaked: all.includes(value) }).toEqual({ name, leaked: false });
  expect(all).not.toContain(Buffer.from(`alice:${secrets.basicPassword}`).toString('base64'));

  const event = loki.events().find((e) => e.labels.event_kind === 'error')!;
  const req = event.json.request as {
    url_path: string;
    url_query: string;
    headers: Record<string, string>;
    body?: string;
  };
  expect(req.url_path).toBe('/login');
  expect(req.url_query).toBe('access_token=[REDACTED]&api_key=[REDACTED]&page=[REDACTED]&github=[REDACTED]');
  expect(Object.keys(req.headers).sort()).toEqual(['content-length', 'content-type', 'host', 'referer', 'user-agent']);
  expect(req.headers['user-agent']).toBe('redaction-test/1.0');
  expect(req.headers.referer).toBe('https://app.example.com/settings?token=[REDACTED]&tab=[REDACTED]');
  expect(req.body).toBeUndefined();
  expect(event.json.msg).toBe('login failed for alice@example.com with token [REDACTED]');
  expect(event.metadata.error_type).toBe('auth');
});

test('opted in: query values and the body are recorded, with secret-named fields redacted and the body truncated', async () => {
  pulse = pulseShippingTo(loki, { errors: { request: { queryValues: true, body: true, bodyMaxBytes: 96 } } });
  await loginFailure(pulse);
  await pulse.shutdown();

  const all = everythingLokiGot();
  for (const [name, value] of Object.entries(secrets))
    expect({ name, leaked: all.includes(value) }).toEqual({ name, leaked: false });

  const event = loki.events().find((e) => e.labels.event_kind === 'error')!;
  const req = event.json.request as { url_query: string; body: string };
  // Values of non-secret parameters are kept; token-shaped values are masked whatever their name.
  expect(req.url_query).toBe('access_token=[REDACTED]&api_key=[REDACTED]&page=2&github=[REDACTED]');
  expect(
    req.body.startsWith('{"email":"alice@example.com","password":"[REDACTED]","card":{"number":"[REDACTED]"'),
  ).toBe(true);
  expect(req.body.endsWith('…')).toBe(true);
  expect(Buffer.byteLength(req.body)).toBeLessThanOrEqual(96 + 3);
  expect(event.json.truncated).toBe(true);
  expect(counterTotal(pulse, 'pulse_log_events_truncated_total', { event_kind: 'error' })).toBe(1);
});

test('credential headers can never be put on the allow-list', () => {
  for (const header of ['Authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']) {
    expect(() => createPulse({ serviceName: 's', errors: { request: { headers: ['accept', header] } } })).toThrow(
      PulseConfigError,
    );
  }
  expect(() => createPulse({ serviceName: 's', errors: { request: { headers: ['Authorization'] } } })).toThrow(
    'Pulse option "errors.request.headers[0]": "authorization" carries credentials and is never recorded',
  );
});
