/**
 * The secrets corpus through every sink Pulse ships text to: error events (message and stack,
 * with a Referer carrying credentials), slow-request events, custom events, pulse.logger lines
 * (to a Loki-compatible receiver), and /health's check errors, messages and details as an
 * authorised caller sees them with ?verbose=true. No secret of the corpus may come out anywhere.
 */
import type express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import type { Pulse } from '../../src/pulse';
import { EXPRESS_VERSIONS } from '../http/express-versions';
import { pulseShippingTo } from '../logs/helpers';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { corpusRoutes } from './fixtures/corpus-routes';
import { secretsCorpus } from './secrets-corpus';

const corpus = secretsCorpus();
const HEALTH_TOKEN = 'health-token-for-tests';
const SLOW_MS = 30;

let loki: LokiReceiver;
let pulse: Pulse;
let app: express.Express;
beforeAll(async () => {
  loki = await startLokiReceiver();
  pulse = pulseShippingTo(loki, {
    metrics: { registry: new Registry(), defaultMetrics: false },
    errors: { slowRequestSeconds: (SLOW_MS * 0.6) / 1000, request: { queryValues: true } },
    health: { enabled: true, auth: { bearerToken: HEALTH_TOKEN } },
  });
  app = EXPRESS_VERSIONS[1]![1]();
  app.use(pulse.middleware());
  app.use(corpusRoutes(pulse, corpus, SLOW_MS));
  app.use(pulse.errorHandler());
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).end();
  });
  pulse.mount(app);
  corpus.forEach((entry, i) => {
    pulse.health.add({
      name: `thrown-${i}`,
      critical: false,
      check: () => {
        throw new Error(`dependency said: ${entry.text}`);
      },
    });
    pulse.health.add({
      name: `reported-${i}`,
      critical: false,
      check: () => ({ status: 'degraded', message: entry.text, details: { target: entry.text, secret: entry.text } }),
    });
  });
  await pulse.health.run();
});
afterAll(async () => {
  await pulse.shutdown();
  await loki.stop();
});

/** Everything Loki stored, as one string: lines, labels and structured metadata. */
const everythingLokiGot = (): string =>
  loki
    .entries()
    .map((e) => `${e.stream} ${e.line} ${JSON.stringify(e.metadata)}`)
    .join('\n');

function leaked(shipped: string): { name: string; secret: string }[] {
  return corpus.flatMap((e) =>
    e.secrets.filter((s) => shipped.includes(s)).map((secret) => ({ name: e.name, secret })),
  );
}

test('errors, slow requests, custom events and log lines ship no secret of the corpus', async () => {
  for (let i = 0; i < corpus.length; i++) {
    const { text } = corpus[i]!;
    const headerSafe = text.replace(/[\r\n]/g, ' ');
    await request(app)
      .get(`/error/${i}?q=${encodeURIComponent(text)}`)
      .set('referer', `https://admin:${corpus[4]!.secrets[0]}@intranet.example.com/x?${encodeURIComponent(text)}`)
      .set('user-agent', headerSafe)
      .expect(500);
    await request(app)
      .get(`/slow/${i}?q=${encodeURIComponent(text)}`)
      .set('user-agent', headerSafe)
      .expect(200);
    await request(app).get(`/event/${i}`).expect(200);
    await request(app).get(`/log/${i}`).expect(200);
  }
  await pulse.shutdown();

  const kinds = loki.events().map((e) => e.labels.event_kind);
  // Every sink did ship something for every entry: the test is not passing on silence.
  expect(kinds.filter((k) => k === 'error').length).toBe(corpus.length);
  expect(kinds.filter((k) => k === 'slow_request').length).toBeGreaterThanOrEqual(corpus.length);
  expect(kinds.filter((k) => k === 'custom').length).toBe(corpus.length);
  expect(kinds.filter((k) => k === 'log').length).toBe(corpus.length * 4);
  expect(leaked(everythingLokiGot())).toEqual([]);
  // What is not secret survives: the Referer's host, the message around the secret.
  const error = loki.events().find((e) => e.labels.event_kind === 'error')!;
  expect(String(error.json.msg)).toMatch(/^request failed: connect to postgres:\/\/\[REDACTED\]@db\.internal:5432/);
  expect(String(error.json.stack)).toContain('postgres://[REDACTED]@db.internal:5432/shop');
});

test('/health shows an authorised caller check errors, messages and details, with no secret of the corpus', async () => {
  const verbose = await request(app).get('/health?verbose=true').set('Authorization', `Bearer ${HEALTH_TOKEN}`);
  const body = JSON.stringify(verbose.body);
  expect(verbose.body.checks['thrown-0'].error).toMatch(/^dependency said: connect to postgres:\/\/\[REDACTED\]@/);
  expect(verbose.body.checks['reported-0'].details.secret).toBe('[REDACTED]');
  expect(leaked(body)).toEqual([]);
});
