import { DEPENDENCY_OTHER_ERROR } from '../catalog/deps';

// Error classes of a failed dependency call, as `error_type` label values. The classes are few and
// fixed; anything else becomes its error code (a closed set Node and drivers define) or its class
// name, and `_OTHER` when it has neither, so messages never become label values.

const BY_CODE: Record<string, string> = {
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ERR_HTTP_REQUEST_TIMEOUT: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  EPROTO: 'tls',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_)|CERT|_SIGNATURE$|^HOSTNAME_MISMATCH$/;
// Linear (fixed-width alternatives), and read on the message's head only: a client's error can
// carry a whole response body, and "timed out" is said up front.
const TIMEOUT_MESSAGE = /\btime[ d-]?out\b|\btimed out\b/i;
const TIMEOUT_MESSAGE_HEAD = 512;
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,47}$/;
const NAME_SHAPE = /^[A-Za-z][A-Za-z0-9_.]{0,47}$/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function classOf(err: ErrorLike): string | undefined {
  if (err.name === 'AbortError') return 'aborted';
  if (err.name === 'TimeoutError') return 'timeout';
  if (typeof err.code === 'string') {
    const byCode = BY_CODE[err.code];
    if (byCode !== undefined) return byCode;
    if (TLS_CODE.test(err.code)) return 'tls';
  }
  return undefined;
}

/**
 * The `error_type` of a failed call. `timedOut` is true when the caller saw the request's own
 * timeout fire (node:http emits 'timeout' and leaves the error to the user's destroy()).
 */
export function classifyError(error: unknown, timedOut = false): string {
  if (timedOut) return 'timeout';
  if (typeof error !== 'object' || error === null) return DEPENDENCY_OTHER_ERROR;
  // fetch wraps the socket error: TypeError('fetch failed', { cause }). Follow a few causes.
  let err = error as ErrorLike;
  for (let depth = 0; depth < 4; depth++) {
    const cls = classOf(err);
    if (cls !== undefined) return cls;
    if (typeof err.cause !== 'object' || err.cause === null) break;
    err = err.cause as ErrorLike;
  }
  const top = error as ErrorLike;
  if (typeof top.message === 'string' && TIMEOUT_MESSAGE.test(top.message.slice(0, TIMEOUT_MESSAGE_HEAD))) {
    return 'timeout';
  }
  if (typeof top.code === 'string' && CODE_SHAPE.test(top.code)) return top.code;
  if (typeof top.name === 'string' && top.name !== 'Error' && NAME_SHAPE.test(top.name)) return top.name;
  return DEPENDENCY_OTHER_ERROR;
}
