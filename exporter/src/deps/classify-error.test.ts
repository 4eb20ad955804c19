import { classifyError } from './classify-error';

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  test.each([
    [withCode('ECONNREFUSED'), 'connection_refused'],
    [withCode('ECONNRESET'), 'connection_reset'],
    [withCode('UND_ERR_SOCKET'), 'connection_reset'],
    [withCode('ENOTFOUND'), 'dns'],
    [withCode('EAI_AGAIN'), 'dns'],
    [withCode('EPROTO'), 'tls'],
    [withCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [withCode('ETIMEDOUT'), 'timeout'],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), 'aborted'],
    [Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 'timeout'],
  ])('%s → %s', (error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  test("follows fetch's cause chain", () => {
    const err = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(classifyError(err)).toBe('connection_refused');
  });

  test('a request whose timeout fired is a timeout whatever error the user destroyed it with', () => {
    expect(classifyError(withCode('ECONNRESET', 'socket hang up'), true)).toBe('timeout');
  });

  test('messages that say timeout are timeouts; other messages never become labels', () => {
    expect(classifyError(new Error('Request timed out after 3000ms'))).toBe('timeout');
    expect(classifyError(new Error('user 12345 not found'))).toBe('_OTHER');
  });

  test('unknown errors fall back to their code, then their class name, then _OTHER', () => {
    expect(classifyError(withCode('EHOSTUNREACH'))).toBe('EHOSTUNREACH');
    expect(classifyError(withCode('not a code: user 12'))).toBe('_OTHER');
    class ReplyError extends Error {
      override name = 'ReplyError';
    }
    expect(classifyError(new ReplyError('WRONGTYPE'))).toBe('ReplyError');
    expect(classifyError('a string')).toBe('_OTHER');
    expect(classifyError(null)).toBe('_OTHER');
  });
});
