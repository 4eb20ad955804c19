import { LOKI_LABELS } from '../catalog/logs';
import { PulseConfigError } from '../config/errors';
import { anyOf, arrayOf, bool, literal, num, object, recordOf, str } from '../config/schema';

// Options of the logs signal: `createPulse({ logs: { … } })`. Validated at createPulse().

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LifecycleSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP';

export interface LogsOptions {
  /** Ship logs and events to Loki. Without it they are JSON lines on stdout (12-factor). */
  loki?: LokiOptions;
  /** Lowest level `pulse.logger` writes. Pulse's own events are not filtered by it. Default `info`. */
  level?: LogLevel;
  /**
   * `lifecycle` events at start and graceful stop, so an alert can tell a rollout from a crash.
   * Default: on when Loki is configured (on stdout, the platform's own logs show restarts).
   */
  lifecycleEvents?: boolean;
  /**
   * Signals on which Pulse records a `lifecycle` stop and flushes. When Pulse's listener is the
   * only one, it re-raises the signal afterwards, so the process still ends as it would have.
   * Default `['SIGTERM', 'SIGINT']` when lifecycle events are on; `[]` installs no listener.
   */
  signals?: LifecycleSignal[];
  /** How long `pulse.shutdown()` (and a handled signal) waits for Loki to take what is buffered. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * On `process.exit()` or a crash, Pulse blocks the exiting thread this long at most so the
   * last events (the crash itself) reach Loki. 0 turns it off. Default 1000 ms.
   */
  exitFlushTimeoutMs?: number;
}

export interface LokiOptions {
  /** Loki's base URL (`http://loki:3100`) or its full push URL (`…/loki/api/v1/push`). */
  url: string;
  auth?: { username: string; password: string } | { bearerToken: string };
  /** Multi-tenant Loki: sent as `X-Scope-OrgID`. */
  tenant?: string;
  /** Extra static stream labels (`region`, `cluster`). Keep them few and constant. */
  labels?: Record<string, string>;
  /** Wire format: Loki's native snappy-compressed protobuf (default) or JSON. */
  format?: 'protobuf' | 'json';
  /** A batch leaves at most this long after its first event. Default 1000 ms. */
  batchIntervalMs?: number;
  /** A batch leaves as soon as it holds this many bytes. Default 1 MiB. */
  batchMaxBytes?: number;
  /** Events held while Loki is slow or down; past it the oldest are dropped (and counted). Default 8 MiB. */
  bufferMaxBytes?: number;
  /** One push request's timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** First retry delay; doubles per retry, with jitter. Default 500 ms. */
  minBackoffMs?: number;
  /** Longest retry delay. Default 30 000 ms. */
  maxBackoffMs?: number;
  /** Retries of one batch before it is dropped (counted as `retries_exhausted`). Default 10. */
  maxRetries?: number;
  /** Loki's `max_line_size`: a longer event is dropped (counted as `too_large`). Default 256 KiB. */
  maxLineBytes?: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Loki's default `max_label_names_per_series`; `service_name` does not count towards it. */
const LOKI_MAX_LABEL_NAMES = 15;
const RESERVED_LABELS = new Set<string>(Object.values(LOKI_LABELS));

const secret = str({ minLength: 1, accepts: 'a non-empty string' });
const ms = (min: number, max: number) => num({ min, max, integer: true, unit: 'ms' });
const bytes = (min: number, max: number) => num({ min, max, integer: true, unit: 'bytes' });

export const logsOptionsSchema = object({
  loki: object(
    {
      url: str({ pattern: /^https?:\/\/[^\s/?#]+[^\s?#]*$/, accepts: 'an http(s) URL' }),
      auth: anyOf(
        object({ bearerToken: secret }, { required: ['bearerToken'] }),
        object({ username: secret, password: secret }, { required: ['username', 'password'] }),
      ),
      tenant: str({ pattern: /^[^\s]{1,150}$/, accepts: 'a tenant id (1–150 characters, no spaces)' }),
      labels: recordOf(str({ pattern: /^.{1,2048}$/s, accepts: 'a label value of 1–2048 characters' })),
      format: literal('protobuf', 'json'),
      batchIntervalMs: ms(10, 60_000),
      batchMaxBytes: bytes(1024, 64 << 20),
      bufferMaxBytes: bytes(4096, 1 << 30),
      timeoutMs: ms(100, 300_000),
      minBackoffMs: ms(1, 60_000),
      maxBackoffMs: ms(1, 3_600_000),
      maxRetries: num({ min: 0, max: 1000, integer: true }),
      maxLineBytes: bytes(1024, 64 << 20),
    },
    { required: ['url'] },
  ),
  level: literal('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
  lifecycleEvents: bool(),
  signals: arrayOf(literal('SIGTERM', 'SIGINT', 'SIGHUP'), { maxLength: 3 }),
  shutdownTimeoutMs: ms(0, 600_000),
  exitFlushTimeoutMs: ms(0, 60_000),
});

export interface ResolvedLokiOptions {
  /** The push endpoint. */
  pushUrl: string;
  /** Request headers other than Content-Type: auth and tenant. */
  headers: Record<string, string>;
  labels: Record<string, string>;
  format: 'protobuf' | 'json';
  batchIntervalMs: number;
  batchMaxBytes: number;
  bufferMaxBytes: number;
  timeoutMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  maxRetries: number;
  maxLineBytes: number;
}

export interface ResolvedLogsOptions {
  loki: ResolvedLokiOptions | undefined;
  level: LogLevel;
  lifecycleEvents: boolean;
  signals: LifecycleSignal[];
  shutdownTimeoutMs: number;
  exitFlushTimeoutMs: number;
}

export function resolveLogsOptions(input: LogsOptions | undefined): ResolvedLogsOptions {
  const loki = input?.loki === undefined ? undefined : resolveLoki(input.loki);
  const lifecycleEvents = input?.lifecycleEvents ?? loki !== undefined;
  return {
    loki,
    level: input?.level ?? 'info',
    lifecycleEvents,
    signals: input?.signals ?? (lifecycleEvents ? ['SIGTERM', 'SIGINT'] : []),
    shutdownTimeoutMs: input?.shutdownTimeoutMs ?? 5000,
    exitFlushTimeoutMs: input?.exitFlushTimeoutMs ?? 1000,
  };
}

function resolveLoki(o: LokiOptions): ResolvedLokiOptions {
  const url = new URL(o.url);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/loki/api/v1/push';
  const headers: Record<string, string> = {};
  if (o.auth !== undefined) {
    headers.authorization =
      'bearerToken' in o.auth
        ? `Bearer ${o.auth.bearerToken}`
        : `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString('base64')}`;
  }
  if (url.username !== '' || url.password !== '') {
    if (o.auth !== undefined)
      throw new PulseConfigError('logs.loki.url', 'carries credentials and logs.loki.auth is set too: use one');
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (o.tenant !== undefined) headers['x-scope-orgid'] = o.tenant;

  const labels = o.labels ?? {};
  for (const name of Object.keys(labels)) {
    const at = `logs.loki.labels.${name}`;
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new PulseConfigError(
        at,
        'is not a valid Loki label name (letters, digits and "_", not starting with a digit or "__")',
      );
    }
    if (RESERVED_LABELS.has(name))
      throw new PulseConfigError(at, `is set by Pulse itself (${[...RESERVED_LABELS].join(', ')})`);
  }
  // service_name does not count towards Loki's limit; env, level, event_kind do.
  const maxExtra = LOKI_MAX_LABEL_NAMES - (RESERVED_LABELS.size - 1);
  if (Object.keys(labels).length > maxExtra) {
    throw new PulseConfigError(
      'logs.loki.labels',
      `at most ${maxExtra} extra labels fit Loki's limit of ${LOKI_MAX_LABEL_NAMES} per stream`,
    );
  }

  const batchMaxBytes = o.batchMaxBytes ?? 1 << 20;
  const bufferMaxBytes = o.bufferMaxBytes ?? 8 << 20;
  if (batchMaxBytes * 2 > bufferMaxBytes) {
    throw new PulseConfigError(
      'logs.loki.batchMaxBytes',
      `must be at most half of bufferMaxBytes (${bufferMaxBytes}), got ${batchMaxBytes}`,
    );
  }
  const minBackoffMs = o.minBackoffMs ?? 500;
  const maxBackoffMs = o.maxBackoffMs ?? 30_000;
  if (maxBackoffMs < minBackoffMs) {
    throw new PulseConfigError(
      'logs.loki.maxBackoffMs',
      `must be ≥ minBackoffMs (${minBackoffMs}), got ${maxBackoffMs}`,
    );
  }
  return {
    pushUrl: url.toString(),
    headers,
    labels: { ...labels },
    format: o.format ?? 'protobuf',
    batchIntervalMs: o.batchIntervalMs ?? 1000,
    batchMaxBytes,
    bufferMaxBytes,
    timeoutMs: o.timeoutMs ?? 10_000,
    minBackoffMs,
    maxBackoffMs,
    maxRetries: o.maxRetries ?? 10,
    maxLineBytes: o.maxLineBytes ?? 256 << 10,
  };
}
