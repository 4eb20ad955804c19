import type { PulseErrorType } from '../catalog/errors';

// error_type of an error: from the HTTP status the app gave it and from its class or code.
// A 4xx status is the app's own verdict and wins; otherwise the error's class or errno code
// tells a database failure from a timeout or an unreachable dependency.

/** `err.status` / `err.statusCode` (http-errors, Express, most frameworks) when it is an HTTP error status. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

const BY_STATUS: Record<number, PulseErrorType> = {
  400: 'validation',
  422: 'validation',
  401: 'auth',
  403: 'auth',
  404: 'not_found',
  410: 'not_found',
  408: 'timeout',
  409: 'conflict',
  429: 'rate_limited',
  502: 'dependency',
  503: 'dependency',
  504: 'timeout',
};

const VALIDATION = /Validat|ZodError|Joi|Yup|BadRequest|InvalidArgument|SchemaError|Ajv/;
const AUTH =
  /Unauthori[sz]ed|Forbidden|Authenticat|Permission|JsonWebTokenError|TokenExpiredError|NotBeforeError|AccessDenied/;
const NOT_FOUND = /NotFound|EntityNotFound|NoResult|NotExist/;
const CONFLICT = /Conflict|UniqueConstraint|Duplicate|OptimisticLock/;
const TIMEOUT = /Timeout|TimedOut|AbortError/;
const DATABASE =
  /Sequelize|QueryFailed|Prisma|Mongo|Database|Postgres|MySQL|Maria|SQLite|Knex|ReplyError|Redis|QueryError|DriverError|ConnectionPool/;
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR',
  '57014',
]);
const DEPENDENCY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

function names(err: object): string {
  // The class chain (`UniqueConstraintError extends ValidationError extends BaseError`) and `name`.
  let out = (err as { name?: unknown }).name === undefined ? '' : String((err as { name?: unknown }).name);
  for (
    let p = Object.getPrototypeOf(err) as object | null, i = 0;
    p !== null && i < 5;
    p = Object.getPrototypeOf(p) as object | null, i++
  ) {
    const ctor = (p as { constructor?: { name?: string } }).constructor;
    if (ctor?.name !== undefined && ctor.name !== 'Object') out += ' ' + ctor.name;
  }
  return out;
}

function byClass(err: unknown): PulseErrorType | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; sqlState?: unknown; severity?: unknown; type?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (e.type === 'entity.parse.failed' || e.type === 'entity.too.large') return 'validation'; // body-parser
  if (code !== undefined && TIMEOUT_CODES.has(code)) return 'timeout';
  const n = names(err);
  if (CONFLICT.test(n) || code === '23505' || code === 'ER_DUP_ENTRY') return 'conflict';
  if (TIMEOUT.test(n)) return 'timeout';
  // pg's DatabaseError carries a 5-character SQLSTATE and a severity; mysql2's errors a sqlState.
  if (DATABASE.test(n) || typeof e.sqlState === 'string' || (code !== undefined && /^ER_/.test(code)))
    return 'database';
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && typeof e.severity === 'string') return 'database';
  if (code !== undefined && DEPENDENCY_CODES.has(code)) return 'dependency';
  if (AUTH.test(n)) return 'auth';
  if (NOT_FOUND.test(n)) return 'not_found';
  if (VALIDATION.test(n)) return 'validation';
  return undefined;
}

export function errorTypeOf(err: unknown, status: number | undefined): PulseErrorType {
  if (status !== undefined && status < 500) return BY_STATUS[status] ?? byClass(err) ?? 'client';
  return byClass(err) ?? (status !== undefined ? BY_STATUS[status] : undefined) ?? 'internal';
}
