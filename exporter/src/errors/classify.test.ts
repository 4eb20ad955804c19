import { errorTypeOf, statusOf } from './classify';

class ValidationError extends Error {}
class UniqueConstraintError extends ValidationError {}
class JsonWebTokenError extends Error {}
class SequelizeDatabaseError extends Error {}
class KnexTimeoutError extends Error {}

const withProps = (props: Record<string, unknown>, base: Error = new Error('x')): Error => Object.assign(base, props);

describe('error classification', () => {
  it('takes the HTTP status the app gave the error', () => {
    expect(statusOf(withProps({ status: 404 }))).toBe(404);
    expect(statusOf(withProps({ statusCode: 503 }))).toBe(503);
    expect(statusOf(withProps({ status: 200 }))).toBeUndefined();
    expect(statusOf('nope')).toBeUndefined();
  });

  it.each([
    ['400', withProps({}), 400, 'validation'],
    ['422', withProps({}), 422, 'validation'],
    ['401', withProps({}), 401, 'auth'],
    ['403', withProps({}), 403, 'auth'],
    ['404', withProps({}), 404, 'not_found'],
    ['409', withProps({}), 409, 'conflict'],
    ['429', withProps({}), 429, 'rate_limited'],
    ['413 from body-parser', withProps({ type: 'entity.too.large' }), 413, 'validation'],
    ['other 4xx', withProps({}), 418, 'client'],
    ['504', withProps({}), 504, 'timeout'],
    ['plain error', new Error('x'), undefined, 'internal'],
    ['TypeError, 500', new TypeError('x'), 500, 'internal'],
    ['ValidationError class', new ValidationError('x'), undefined, 'validation'],
    ['unique constraint (subclass of a validation error)', new UniqueConstraintError('x'), undefined, 'conflict'],
    ['JWT error', new JsonWebTokenError('x'), undefined, 'auth'],
    ['Sequelize error', new SequelizeDatabaseError('x'), 500, 'database'],
    ['knex pool timeout', new KnexTimeoutError('x'), undefined, 'timeout'],
    ['pg-like SQLSTATE error', withProps({ code: '42P01', severity: 'ERROR' }), undefined, 'database'],
    ['pg unique violation', withProps({ code: '23505', severity: 'ERROR' }), undefined, 'conflict'],
    ['pg statement timeout', withProps({ code: '57014', severity: 'ERROR' }), undefined, 'timeout'],
    ['mysql-like error', withProps({ code: 'ER_NO_SUCH_TABLE', sqlState: '42S02' }), undefined, 'database'],
    ['connection refused', withProps({ code: 'ECONNREFUSED' }), undefined, 'dependency'],
    ['socket timeout', withProps({ code: 'ETIMEDOUT' }), undefined, 'timeout'],
    ['AbortError', withProps({ name: 'AbortError' }), undefined, 'timeout'],
    ['a 404 status wins over the class', new SequelizeDatabaseError('x'), 404, 'not_found'],
  ])('%s → %s', (_name, err, status, expected) => {
    expect(errorTypeOf(err, status as number | undefined)).toBe(expected);
  });
});
