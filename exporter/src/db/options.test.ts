import { PulseConfigError } from '../config/errors';
import { resolveOptions } from '../config/options';
import { defaultRedactParameter } from './options';

const resolve = (db: unknown) => resolveOptions({ serviceName: 'svc', db }).db;

describe('db options', () => {
  it('defaults: no driver instrumented, 200 ms slow queries without caller or parameters, N+1 at 5', () => {
    const db = resolve(undefined);
    expect(db).toMatchObject({ pg: false, mysql2: false, knex: false, maxEventsPerSecond: 50, sqlCacheSize: 2000 });
    expect(db.slowQueries).toMatchObject({ thresholdMs: 200, caller: false, parameters: false });
    expect(db.nPlusOne).toEqual({ threshold: 5, minTotalDurationMs: 0 });
  });

  it('turns the slow query log and N+1 detection off with false', () => {
    expect(resolve({ slowQueries: false, nPlusOne: false })).toMatchObject({ slowQueries: false, nPlusOne: false });
  });

  it.each([
    [{ pg: 'yes' }, 'db.pg'],
    [{ slowQueries: { thresholdMs: -1 } }, 'db.slowQueries'],
    [{ nPlusOne: { threshold: 1 } }, 'db.nPlusOne'],
    [{ nPlusOne: { treshold: 3 } }, 'db.nPlusOne'],
    [{ slowQueries: { redactParameter: 'mask' } }, 'db.slowQueries'],
    [{ sqlCacheSize: 1.5 }, 'db.sqlCacheSize'],
    [{ mysql: true }, 'db.mysql'],
  ])('rejects %j, naming %s', (db, path) => {
    expect(() => resolve(db)).toThrow(PulseConfigError);
    try {
      resolve(db);
    } catch (err) {
      expect((err as PulseConfigError).path.startsWith(path)).toBe(true);
    }
  });

  it('redacts strings and binary by default, keeps numbers, booleans, null and dates', () => {
    expect(defaultRedactParameter('alice@example.com', 0)).toBe('[redacted: 17 chars]');
    expect(defaultRedactParameter(Buffer.from('abc'), 1)).toBe('[redacted: 3 bytes]');
    expect(defaultRedactParameter({ nested: 'secret' }, 2)).toBe('[redacted]');
    expect(defaultRedactParameter(42, 3)).toBe(42);
    expect(defaultRedactParameter(false, 4)).toBe(false);
    expect(defaultRedactParameter(null, 5)).toBeNull();
    expect(defaultRedactParameter(new Date(0), 6)).toBe('1970-01-01T00:00:00.000Z');
  });
});
