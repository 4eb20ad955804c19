import { PulseConfigError } from '../config/errors';
import { anyOf, arrayOf, bool, instance, literal, num, object, str } from '../config/schema';
import { mainPackageDir } from '../config/service-version';
import { DEFAULT_SECRET_NAME } from '../redaction/secret-names';

// Options of the errors signal: `createPulse({ errors: { … } })`. Validated at createPulse().

export interface ErrorsOptions {
  /**
   * Record uncaught exceptions and unhandled rejections (through `uncaughtExceptionMonitor`, so
   * the process behaves exactly as without Pulse: it still crashes). Default false.
   */
  captureUncaught?: boolean;
  /** Requests slower than this (seconds) become `slow_request` events; `false` turns them off. Default 1. */
  slowRequestSeconds?: number | false;
  /** Slowest query patterns of a slow request included in its event (when the db signal tracked them). Default 5. */
  slowRequestQueries?: number;
  /** Error and slow-request events shipped per second at most; the rest are counted, not shipped. Default 200. */
  maxEventsPerSecond?: number;
  /** Stack frames kept per error (application frames first). Default 20. */
  stackFrames?: number;
  /**
   * Where the application's code lives: frames outside it or in node_modules are library frames,
   * and app files are named relative to it (in stacks and fingerprints). Default: the folder of
   * the package.json nearest the main script, else process.cwd().
   */
  appRoot?: string;
  request?: RequestCaptureOptions;
}

export interface RequestCaptureOptions {
  /**
   * Request headers recorded with an error (lower-case names). Default: accept, accept-language,
   * content-type, content-length, host, referer, user-agent, x-request-id. Authorization, Cookie,
   * Set-Cookie, Proxy-Authorization and names matching `secretPattern` are refused.
   */
  headers?: string[];
  /** Names (headers, query parameters, body fields) whose values are never recorded. */
  secretPattern?: RegExp;
  /** Record query string values (secret-looking ones still redacted). Default false: names only. */
  queryValues?: boolean;
  /** Record the request body (parsed `req.body`, redacted, truncated). Default false. */
  body?: boolean;
  /** Body size kept. Default 4096 bytes. */
  bodyMaxBytes?: number;
}

export const DEFAULT_RECORDED_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'content-length',
  'host',
  'referer',
  'user-agent',
  'x-request-id',
];

/** Never recorded, whatever the options say. */
export const NEVER_RECORDED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** The names every sink redacts (../redaction/secret-names.ts). */
export const DEFAULT_SECRET_PATTERN = DEFAULT_SECRET_NAME;

export const errorsOptionsSchema = object({
  captureUncaught: bool(),
  slowRequestSeconds: anyOf(num({ min: 0.001, max: 3600, unit: 'seconds' }), literal(false)),
  slowRequestQueries: num({ min: 0, max: 50, integer: true }),
  maxEventsPerSecond: num({ min: 1, max: 1_000_000, integer: true }),
  stackFrames: num({ min: 1, max: 200, integer: true }),
  appRoot: str({ minLength: 1, accepts: 'a directory path' }),
  request: object({
    headers: arrayOf(str({ pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, accepts: 'an HTTP header name' }), {
      maxLength: 100,
    }),
    secretPattern: instance<RegExp>('a RegExp', 'test'),
    queryValues: bool(),
    body: bool(),
    bodyMaxBytes: num({ min: 64, max: 1 << 20, integer: true, unit: 'bytes' }),
  }),
});

export interface ResolvedErrorsOptions {
  captureUncaught: boolean;
  slowRequestSeconds: number | false;
  slowRequestQueries: number;
  maxEventsPerSecond: number;
  stackFrames: number;
  appRoot: string;
  request: {
    headers: string[];
    secretPattern: RegExp;
    queryValues: boolean;
    body: boolean;
    bodyMaxBytes: number;
  };
}

export function resolveErrorsOptions(input: ErrorsOptions | undefined): ResolvedErrorsOptions {
  const r = input?.request;
  const secretPattern = r?.secretPattern ?? DEFAULT_SECRET_PATTERN;
  const headers = (r?.headers ?? DEFAULT_RECORDED_HEADERS).map((h) => h.toLowerCase());
  headers.forEach((name, i) => {
    // A global or sticky RegExp keeps state between test() calls: copy it without those flags.
    if (
      NEVER_RECORDED_HEADERS.includes(name) ||
      new RegExp(secretPattern.source, secretPattern.flags.replace(/[gy]/g, '')).test(name)
    ) {
      throw new PulseConfigError(`errors.request.headers[${i}]`, `"${name}" carries credentials and is never recorded`);
    }
  });
  return {
    captureUncaught: input?.captureUncaught ?? false,
    slowRequestSeconds: input?.slowRequestSeconds ?? 1,
    slowRequestQueries: input?.slowRequestQueries ?? 5,
    maxEventsPerSecond: input?.maxEventsPerSecond ?? 200,
    stackFrames: input?.stackFrames ?? 20,
    // Not the working directory first: a service manager's (systemd's is `/`) says nothing about
    // where the app is, and files named relative to it would carry the release folder.
    appRoot: input?.appRoot ?? mainPackageDir() ?? process.cwd(),
    request: {
      headers,
      secretPattern: new RegExp(secretPattern.source, secretPattern.flags.replace(/[gy]/g, '')),
      queryValues: r?.queryValues ?? false,
      body: r?.body ?? false,
      bodyMaxBytes: r?.bodyMaxBytes ?? 4096,
    },
  };
}
