/**
 * Error events as Loki stores them show each secret masked once: the stack's header line is the
 * event's message, exactly. The stack is masked again after its header was (a message V8 spread
 * over several lines reaches the frames), and masking masked text used to change it:
 * `password=[REDACTED]` came out as `password=[REDACTED]]` and `Authorization: Bearer [REDACTED]`
 * as `Authorization: [REDACTED] [REDACTED]`, so the stack no longer read as the message.
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

let loki: LokiReceiver;
let pulse: Pulse;
let app: express.Express;
beforeAll(async () => {
  loki = await startLokiReceiver();
  pulse = pulseShippingTo(loki, { metrics: { registry: new Registry(), defaultMetrics: false } });
  app = EXPRESS_VERSIONS[1]![1]();
  app.use(pulse.middleware());
  app.use(corpusRoutes(pulse, corpus, 0));
  app.use(pulse.errorHandler());
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).end();
  });
});
afterAll(async () => {
  await pulse.shutdown();
  await loki.stop();
});

test('the stack of every error event starts with its class and message, each secret masked once', async () => {
  for (let i = 0; i < corpus.length; i++) expect((await request(app).get(`/error/${i}`)).status).toBe(500);
  const errors = () => loki.events().filter((e) => e.json.event_kind === 'error');
  await loki.waitFor(() => errors().length === corpus.length, 15_000);

  const mismatched = errors()
    .map((e) => ({ header: `${String(e.json.error_class)}: ${String(e.json.msg)}`, stack: String(e.json.stack) }))
    .filter(({ header, stack }) => !stack.startsWith(header + '\n'))
    .map(({ header, stack }) => ({ header, stackHead: stack.slice(0, header.length + 20) }));
  expect(mismatched).toEqual([]);
  for (const e of errors()) expect(String(e.json.stack)).toContain('[REDACTED]');
});
