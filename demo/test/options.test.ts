import { dependencyHostKey } from '../src/api/pulse';
import { portFromEnv, ratioFromEnv } from '../src/cli/env';
import { assertSchemaName } from '../src/db/schema';
import { startDemo } from '../src/start-demo';

describe('configuration errors name what is wrong', () => {
  it('environment variables', () => {
    expect(portFromEnv('PORT', 3000, {})).toBe(3000);
    expect(portFromEnv('PORT', 3000, { PORT: '8080' })).toBe(8080);
    expect(() => portFromEnv('PORT', 3000, { PORT: '80a' })).toThrow('PORT: expected a TCP port, got "80a"');
    expect(() => portFromEnv('PORT', 3000, { PORT: '70000' })).toThrow(/^PORT/);
    expect(() => ratioFromEnv('PAYMENTS_FAILURE_RATE', 0.05, { PAYMENTS_FAILURE_RATE: '5' })).toThrow(
      /^PAYMENTS_FAILURE_RATE/,
    );
  });

  it('schema names (spliced into SQL)', () => {
    expect(() => assertSchemaName('demo')).not.toThrow();
    expect(() => assertSchemaName('demo; DROP TABLE users')).toThrow(/^schema: expected a lower-case SQL identifier/);
  });

  it('startDemo options, before anything starts', async () => {
    await expect(startDemo({ paymentsUrl: 'payments:4000' })).rejects.toThrow(/^paymentsUrl/);
    await expect(startDemo({ paymentsUrl: 'http://127.0.0.1:4000', schema: 'other' })).rejects.toThrow(
      /^schema: the embedded database uses the public schema/,
    );
  });
});

it('maps the payments URL to the deps.names key Pulse matches (host:port, or host alone)', () => {
  expect(dependencyHostKey('http://payments:4000')).toBe('payments:4000');
  expect(dependencyHostKey('https://Pay.Example.com/')).toBe('pay.example.com');
});
