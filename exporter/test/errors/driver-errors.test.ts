/**
 * error_type of real driver errors: what PostgreSQL (pg) and MariaDB (mysql2) actually throw,
 * not hand-made look-alikes.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { errorTypeOf } from '../../src/errors/classify';

const T = `pulse_err_${process.pid}_${Date.now() % 100000}`;
const caught = async (fn: () => Promise<unknown>): Promise<unknown> => {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
};

describe('PostgreSQL errors (pg)', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
    await pool.query(`CREATE TABLE ${T} (id int PRIMARY KEY)`);
    await pool.query(`INSERT INTO ${T} VALUES (1)`);
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${T}`);
    await pool.end();
  });

  it('a missing table is a database error', async () => {
    expect(errorTypeOf(await caught(() => pool.query(`SELECT * FROM ${T}_missing`)), undefined)).toBe('database');
  });
  it('a unique violation is a conflict', async () => {
    expect(errorTypeOf(await caught(() => pool.query(`INSERT INTO ${T} VALUES (1)`)), undefined)).toBe('conflict');
  });
  it('a statement timeout is a timeout', async () => {
    const client = await pool.connect();
    try {
      await client.query('SET statement_timeout = 50');
      expect(errorTypeOf(await caught(() => client.query('SELECT pg_sleep(1)')), undefined)).toBe('timeout');
    } finally {
      await client.query('RESET statement_timeout');
      client.release();
    }
  });
  it('a refused connection is a dependency error', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres' });
    expect(errorTypeOf(await caught(() => client.connect()), undefined)).toBe('dependency');
  });
});

describe('MariaDB errors (mysql2)', () => {
  let pool: mysql.Pool;
  beforeAll(async () => {
    pool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 2 });
    await pool.query(`CREATE TABLE ${T} (id INT PRIMARY KEY)`);
    await pool.query(`INSERT INTO ${T} VALUES (1)`);
  });
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS ${T}`);
    await pool.end();
  });

  it('a missing table is a database error', async () => {
    expect(errorTypeOf(await caught(() => pool.query(`SELECT * FROM ${T}_missing`)), undefined)).toBe('database');
  });
  it('a duplicate key is a conflict', async () => {
    expect(errorTypeOf(await caught(() => pool.query(`INSERT INTO ${T} VALUES (1)`)), undefined)).toBe('conflict');
  });
});
