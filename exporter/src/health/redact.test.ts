import { errorMessage, redactDetails, redactSecrets } from './redact';

describe('redactSecrets', () => {
  test.each([
    ['connect to postgres://app:s3cr3t@db.internal:5432/shop failed', 's3cr3t'],
    ['redis://:hunter2@cache:6379', 'hunter2'],
    ['https://ghp_abcdef123456@github.com/org/repo', 'ghp_abcdef123456'],
    ['host=db user=app password=s3cr3t dbname=shop', 's3cr3t'],
    ["password='quoted secret' host=db", 'quoted secret'],
    ['{"user":"app","password":"jsonpw"}', 'jsonpw'],
    ['GET /status?token=tok_9f8e7d&x=1', 'tok_9f8e7d'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOiJIUzI1NiJ9'],
    ['api_key=AKIA1234567890', 'AKIA1234567890'],
  ])('%s hides %s', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('***');
  });

  test('keeps what is useful: hosts, ports, error codes', () => {
    expect(redactSecrets('connect ECONNREFUSED 127.0.0.1:5433')).toBe('connect ECONNREFUSED 127.0.0.1:5433');
    expect(redactSecrets('password authentication failed for user "app"')).toBe(
      'password authentication failed for user "app"',
    );
    expect(redactSecrets('postgres://app:pw@db.internal:5432/shop')).toBe('postgres://***@db.internal:5432/shop');
  });

  test('cuts long messages', () => {
    expect(redactSecrets('x'.repeat(5000)).length).toBeLessThanOrEqual(301);
  });
});

test('redactDetails drops secret-named keys and redacts nested strings', () => {
  expect(
    redactDetails({ connectionString: 'postgres://a:b@h/db', nested: { url: 'https://u:p@h/x', n: 3 }, apiKey: 'k' }),
  ).toEqual({ connectionString: '***', nested: { url: 'https://***@h/x', n: 3 }, apiKey: '***' });
});

test('errorMessage: aggregate errors and empty messages still say something', () => {
  const agg = new AggregateError(
    [new Error('connect ECONNREFUSED ::1:5433'), new Error('connect ECONNREFUSED 127.0.0.1:5433')],
    '',
  );
  expect(errorMessage(agg)).toBe('connect ECONNREFUSED ::1:5433; connect ECONNREFUSED 127.0.0.1:5433');
  expect(errorMessage(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  expect(errorMessage('postgres://u:pw@h/db down')).toBe('postgres://***@h/db down');
});
