import type { SqlDialect } from './normalise-sql';
import { normaliseSql } from './normalise-sql';

const pg = (sql: string) => normaliseSql(sql, 'postgresql');
const my = (sql: string) => normaliseSql(sql, 'mysql');

describe('normaliseSql: values fold to ?', () => {
  it.each<[SqlDialect, string, string]>([
    [
      'postgresql',
      "SELECT * FROM users WHERE id = 42 AND name = 'Ann'",
      'SELECT * FROM users WHERE id = ? AND name = ?',
    ],
    ['postgresql', 'SELECT * FROM t WHERE a = $1 AND b = $12', 'SELECT * FROM t WHERE a = ? AND b = ?'],
    ['postgresql', "SELECT 'it''s', E'a\\'b', 3.5e-2, .5, 0x1F FROM t", 'SELECT ?, ?, ?, ?, ? FROM t'],
    ['postgresql', "SELECT $$ a 'b' $$, $fn$ body $fn$ FROM t", 'SELECT ?, ? FROM t'],
    ['postgresql', "SELECT N'x', X'ff', B'01' FROM t", 'SELECT ?, ?, ? FROM t'],
    ['mysql', "SELECT * FROM t WHERE a = 'it\\'s' AND b = \"x\"", 'SELECT * FROM t WHERE a = ? AND b = ?'],
    ['mysql', 'SELECT * FROM t WHERE id = :id AND n = ?', 'SELECT * FROM t WHERE id = ? AND n = ?'],
    ['postgresql', 'SELECT a::int, b ? c FROM t', 'SELECT a::int, b ? c FROM t'],
    ['postgresql', 'SELECT -1, +2, col1, t2.c3 FROM t2', 'SELECT -?, +?, col1, t2.c3 FROM t2'],
  ])('%s: %s', (dialect, sql, pattern) => {
    expect(normaliseSql(sql, dialect).text).toBe(pattern);
  });

  it('folds IN lists of any length, and array literals, to one element', () => {
    const a = pg('SELECT * FROM t WHERE id IN (1, 2, 3)').text;
    const b = pg('SELECT * FROM t WHERE id IN (7)').text;
    const c = pg('SELECT * FROM t WHERE id in ($1,$2,$3,$4,$5)').text;
    expect(a).toBe('SELECT * FROM t WHERE id IN (?)');
    expect(b).toBe(a);
    expect(c).toBe('SELECT * FROM t WHERE id in (?)');
    expect(pg('SELECT * FROM t WHERE id = ANY(ARRAY[1, 2, 3])').text).toBe('SELECT * FROM t WHERE id = ANY(ARRAY[?])');
    expect(my('SELECT * FROM t WHERE id IN (-1, 2)').text).toBe('SELECT * FROM t WHERE id IN (?)');
  });

  it('leaves lists that are not all values alone', () => {
    expect(pg('SELECT * FROM t WHERE id IN (SELECT x FROM u WHERE y IN (1, 2))').text).toBe(
      'SELECT * FROM t WHERE id IN (SELECT x FROM u WHERE y IN (?))',
    );
    expect(pg('SELECT * FROM t WHERE id IN (a, 2)').text).toBe('SELECT * FROM t WHERE id IN (a, ?)');
    expect(pg('SELECT coalesce(a, 1) FROM t').text).toBe('SELECT coalesce(a, ?) FROM t');
  });

  it('collapses repeated VALUES rows, so bulk inserts of any size share a pattern', () => {
    const one = my("INSERT INTO t (a, b) VALUES (1, 'x')").text;
    const three = my("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'),(3, 'z')").text;
    expect(one).toBe('INSERT INTO t (a, b) VALUES (?, ?)');
    expect(three).toBe(one);
    expect(pg('INSERT INTO t VALUES ($1, $2), ($3, $4) RETURNING id').text).toBe(
      'INSERT INTO t VALUES (?, ?) RETURNING id',
    );
  });

  it('drops comments and collapses whitespace', () => {
    expect(pg('/* a /* nested */ comment */ SELECT\n\t1 -- trailing\n FROM   t ;').text).toBe('SELECT ? FROM t');
    expect(my('# hash comment\nSELECT 1 /* c */ FROM t').text).toBe('SELECT ? FROM t');
    expect(pg('SELECT ( 1 ) FROM t').text).toBe('SELECT (?) FROM t');
  });

  it('never keeps the content of an unterminated literal or comment', () => {
    expect(pg("SELECT 'secret").text).toBe('SELECT ?');
    expect(pg('SELECT $x$ secret').text).toBe('SELECT ?');
    expect(my("SELECT 'secret\\").text).toBe('SELECT ?');
    expect(pg('SELECT 1 /* secret').text).toBe('SELECT ?');
  });

  it('reads only the first 8 KB of a huge statement and says so', () => {
    const sql = 'INSERT INTO big (v) VALUES ' + Array.from({ length: 100_000 }, (_, i) => `(${i})`).join(', ');
    const result = my(sql);
    expect(result.text).toBe('INSERT INTO big (v) VALUES (?) …');
    expect(result.collection).toBe('big');
  });
});

describe('normaliseSql: operation and main table', () => {
  it.each<[SqlDialect, string, string, string]>([
    ['postgresql', 'select * from Users u join orders o on o.uid = u.id', 'SELECT', 'Users'],
    ['postgresql', 'SELECT * FROM "public"."user accounts"', 'SELECT', 'public.user accounts'],
    ['mysql', 'SELECT * FROM `shop`.`orders` WHERE 1', 'SELECT', 'shop.orders'],
    ['postgresql', 'SELECT (SELECT max(x) FROM inner_t) FROM outer_t', 'SELECT', 'outer_t'],
    ['postgresql', 'SELECT extract(year FROM created) FROM events', 'SELECT', 'events'],
    ['postgresql', 'SELECT * FROM (SELECT 1) s', 'SELECT', ''],
    ['postgresql', 'SELECT * FROM generate_series(1, 10) g', 'SELECT', ''],
    ['postgresql', 'SELECT pg_sleep(1)', 'SELECT', ''],
    ['postgresql', 'WITH r AS (SELECT * FROM a) SELECT * FROM r', 'SELECT', 'r'],
    ['postgresql', 'WITH r AS (SELECT 1) UPDATE accounts SET n = 1', 'UPDATE', 'accounts'],
    ['postgresql', 'insert into logs (msg) values ($1)', 'INSERT', 'logs'],
    ['mysql', 'INSERT IGNORE INTO logs SET msg = ?', 'INSERT', 'logs'],
    ['mysql', 'INSERT logs VALUES (1)', 'INSERT', 'logs'],
    ['mysql', 'REPLACE INTO kv (k, v) VALUES (?, ?)', 'REPLACE', 'kv'],
    ['mysql', 'UPDATE LOW_PRIORITY accounts SET n = 1', 'UPDATE', 'accounts'],
    ['postgresql', 'DELETE FROM ONLY sessions WHERE id = $1', 'DELETE', 'sessions'],
    ['postgresql', 'TRUNCATE TABLE audit', 'TRUNCATE', 'audit'],
    ['postgresql', 'CREATE TABLE IF NOT EXISTS things (id int)', 'CREATE', 'things'],
    ['postgresql', 'CREATE INDEX i ON things (id)', 'CREATE', ''],
    ['mysql', 'DROP TABLE IF EXISTS `things`', 'DROP', 'things'],
    ['postgresql', 'ALTER TABLE things ADD COLUMN x int', 'ALTER', 'things'],
    ['postgresql', 'BEGIN', 'BEGIN', ''],
    ['mysql', 'START TRANSACTION', 'START', ''],
    ['postgresql', 'COMMIT;', 'COMMIT', ''],
    ['postgresql', '(SELECT a FROM t1) UNION (SELECT a FROM t2)', 'SELECT', 't1'],
    ['postgresql', 'frobnicate everything', '_OTHER', ''],
    ['postgresql', '', '', ''],
    ['postgresql', '   -- only a comment', '', ''],
  ])('%s: %s → %s %s', (dialect, sql, operation, collection) => {
    const result = normaliseSql(sql, dialect);
    expect(result.operation).toBe(operation);
    expect(result.collection).toBe(collection);
  });

  it('cuts very long table names', () => {
    expect(pg(`SELECT * FROM ${'x'.repeat(500)}`).collection).toHaveLength(128);
  });
});
