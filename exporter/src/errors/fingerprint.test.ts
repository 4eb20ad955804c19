import { fingerprint, functionName, normaliseMessage } from './fingerprint';
import type { StackFrame } from './stack';

const frame = (fn: string, file: string, line = 10, extra: Partial<StackFrame> = {}): StackFrame => ({
  fn,
  file,
  portableFile: file,
  sourcePath: file,
  line,
  column: 5,
  app: true,
  origin: 'app',
  async: false,
  construct: false,
  eval: false,
  location: `${file}:${line}:5`,
  ...extra,
});

describe('normaliseMessage', () => {
  it.each([
    ['User 42 not found', 'User <*> not found'],
    ['User 65a1f0c2e4b0d3a9f1e2c3b4 not found', 'User <*> not found'],
    ['Order a3f9c2e1-5b7d-4c1e-9f2a-0b1c2d3e4f50 expired', 'Order <*> expired'],
    [
      'duplicate key value violates unique constraint "users_email_key" for \'bob@example.com\'',
      'duplicate key value violates unique constraint <*> for <*>',
    ],
    ['connect ECONNREFUSED 10.0.3.7:5432', 'connect ECONNREFUSED <*>'],
    ["Cannot read properties of undefined (reading 'total')", 'Cannot read properties of undefined (reading <*>)'],
    ["don't retry: timeout after 3000ms", "don't retry: timeout after <*>ms"],
  ])('%s → %s', (message, expected) => {
    expect(normaliseMessage(message)).toBe(expected);
  });
});

describe('functionName', () => {
  it.each([
    ['loadUser', false, 'loadUser'],
    ['UserService.load', false, 'load'],
    ['AdminService.load', false, 'load'],
    ['module.exports.load', false, 'load'],
    ['Layer.handle [as handle_request]', false, 'handle'],
    ['Order', true, 'new Order'],
    ['Object.<anonymous>', false, '<anonymous>'],
    ['', false, ''],
  ])('%s (new: %s) → %s', (fn, construct, expected) => {
    expect(functionName({ fn, construct })).toBe(expected);
  });
});

describe('fingerprint', () => {
  it('is the same for the same bug whatever the ids and lines, and stable (restarts give the same value)', () => {
    const a = fingerprint('NotFound', 'User 42 not found', frame('loadUser', 'src/users.js', 10));
    const b = fingerprint('NotFound', 'User 9001 not found', frame('loadUser', 'src/users.js', 14));
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).toBe(fingerprint('NotFound', 'User 7 not found', frame('loadUser', 'src/users.js', 3, { async: true })));
    // A subclass instance running the same method: V8 prints the receiver's type.
    expect(fingerprint('NotFound', 'User 7 not found', frame('UserService.load', 'src/users.js'))).toBe(
      fingerprint('NotFound', 'User 7 not found', frame('AdminService.load', 'src/users.js')),
    );
  });

  it('differs by class, by message shape, by throwing function and by file', () => {
    const base = fingerprint('NotFound', 'User 42 not found', frame('loadUser', 'src/users.js'));
    expect(fingerprint('TypeError', 'User 42 not found', frame('loadUser', 'src/users.js'))).not.toBe(base);
    expect(fingerprint('NotFound', 'Order 42 not found', frame('loadUser', 'src/users.js'))).not.toBe(base);
    expect(fingerprint('NotFound', 'User 42 not found', frame('loadAdmin', 'src/users.js'))).not.toBe(base);
    expect(fingerprint('NotFound', 'User 42 not found', frame('loadUser', 'src/admins.js'))).not.toBe(base);
    expect(fingerprint('NotFound', 'User 42 not found', undefined)).not.toBe(base);
  });
});
