/**
 * SQL text carries what clients sent when an app inlines values, and Pulse normalises every
 * distinct statement (src/db/normalise-sql.ts, a scanner that reads at most its first 8 KB). Its
 * fuzz test compares timings; here the event loop is measured: statements of 256 KB shaped
 * against scanners and regex normalisers go through a real pg Pool to a real PostgreSQL, and no
 * query's handling may block the loop more than 20 ms.
 */
import pg from 'pg';
import { Registry } from 'prom-client';
import { createPulse, type Pulse } from '../../src/index';
import { histogramCount } from '../deps/series';
import { PG } from '../db/support';
import { leastLoopBlockMs } from '../support/loop-block';

const KB256 = 256 * 1024;
const fill = (prefix: string, unit: string, suffix = ''): string =>
  prefix + unit.repeat(Math.ceil((KB256 - prefix.length - suffix.length) / unit.length)) + suffix;

const HOSTILE_SQL: [string, string][] = [
  ['an inlined value of dashes and quotes', fill("SELECT 1 WHERE 'x' = '", "a-''", "'")],
  ['an IN list of inlined values', fill("SELECT 1 WHERE 'x' IN (", "'a-a', ", "'b')")],
  ['open parentheses', fill('SELECT ', '(')],
  ['unterminated string of backslashes', fill("SELECT E'", '\\\\x')],
  // Not a bare run of `/*`: PostgreSQL nests block comments and takes minutes on 128 K openers.
  ['comment openers in a comment', fill('SELECT 1 -- ', '/*')],
  ['unclosed dollar tags', fill('SELECT ', '$a$ ')],
  ['dashes', fill('SELECT 1 ', '-')],
  ['exponents', fill('SELECT ', '1e-')],
];

let pulse: Pulse;
let pool: pg.Pool;
beforeAll(() => {
  pulse = createPulse({
    serviceName: 'hostile-sql',
    metrics: { registry: new Registry(), defaultMetrics: false },
    runtime: { enabled: false },
    health: { enabled: false },
    deps: { enabled: false },
    db: { pg },
  });
  pool = new pg.Pool({ ...PG, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await pulse.shutdown();
});

const operations = () =>
  histogramCount(pulse.registry, 'db_client_operation_duration_seconds', { db_system_name: 'postgresql' });

test.each(HOSTILE_SQL)('%s (256 KB): the query never blocks the loop over 20 ms, and is recorded', async (_n, sql) => {
  // PostgreSQL answers or rejects it; either way Pulse normalised the text and records the call.
  const query = () => pool.query(sql).catch((err: unknown) => err);
  await query(); // connections and the statement's first normalisation: one-off costs
  const before = operations();
  expect(await leastLoopBlockMs(query, 20)).toBeLessThanOrEqual(20);
  expect(operations()).toBeGreaterThan(before);
});
