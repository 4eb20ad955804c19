/**
 * Error messages Pulse fingerprints carry what clients sent: PostgreSQL echoes the rejected value
 * whole. Values shaped against each mask the backtracking RegExps had (an id-like run without a
 * digit, an email local part without a domain, unterminated quotes, dotted digits) go through a
 * real app, a real PostgreSQL and Pulse's error capture to a Loki receiver: the loop is never
 * blocked more than 20 ms, and the rejections of one value shape stay one error group.
 */
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import request from 'supertest';
import type { Pulse } from '../../src/pulse';
import { EXPRESS_VERSIONS } from '../http/express-versions';
import { eventually, pulseShippingTo } from '../logs/helpers';
import type { LokiReceiver } from '../support/loki-receiver';
import { startLokiReceiver } from '../support/loki-receiver';
import { leastLoopBlockMs } from '../support/loop-block';
import { importRoutes } from './fixtures/import-routes';

let loki: LokiReceiver;
let pulse: Pulse;
let pool: Pool;
let app: ReturnType<(typeof EXPRESS_VERSIONS)[1][1]>;
beforeAll(async () => {
  loki = await startLokiReceiver();
  pool = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 4 });
  pulse = pulseShippingTo(loki, {
    metrics: { registry: new Registry(), defaultMetrics: false },
    errors: { maxEventsPerSecond: 1000 },
  });
  const express5 = EXPRESS_VERSIONS[1]![1];
  app = express5();
  app.use(pulse.middleware());
  app.use(express5.json({ limit: '1mb' }));
  app.use(importRoutes(pool, pulse));
});
afterAll(async () => {
  await pulse.shutdown();
  await pool.end();
  await loki.stop();
});

const KB64 = 64 * 1024;
const HOSTILE_VALUES: [string, (tag: string) => string][] = [
  ['an email local part without a domain', (tag) => `${tag} ` + 'a.'.repeat(KB64 / 2)],
  ['unterminated quotes with escapes', (tag) => `${tag} ` + ' "\\'.repeat(KB64 / 3)],
  ['dotted digits that are never an IPv4', (tag) => `${tag} ` + '1.1.1.'.repeat(KB64 / 6)],
  ['an id-like run without a digit', (tag) => `${tag} ` + 'a-'.repeat(KB64 / 2)],
];

test.each(HOSTILE_VALUES)(
  'a rejected row echoing %s: the loop is never blocked over 20 ms, its rejections are one error group',
  async (_shape, value) => {
    const post = (tag: string) =>
      request(app)
        .post('/imports')
        .send({ rows: [{ quantity: value(tag) }] })
        .expect(207, { imported: 0, rejected: 1 });
    // Connections, the error path and the Loki worker warm up first: one-off costs no client can make grow.
    for (let i = 0; i < 5; i++) await post('ww');
    // A word of letters the redaction leaves as it is, to find this shape's events in Loki.
    const tag = `zz${'abcdefgh'[HOSTILE_VALUES.findIndex(([, v]) => v === value)]}`;
    expect(await leastLoopBlockMs(() => post(tag), 20, 10)).toBeLessThanOrEqual(20);
    await post(tag);

    const rejected = () =>
      loki.events().filter((e) => String(e.json.msg).startsWith(`invalid input syntax for type integer: "${tag}`));
    await eventually(() => rejected().length >= 2, 15_000, 'the rejections in Loki');
    const groups = new Set(rejected().map((e) => e.metadata.fingerprint));
    expect(groups.size).toBe(1);
    expect([...groups][0]).toMatch(/^[0-9a-f]{16}$/);
  },
);
