import { LOG_METADATA } from '../catalog/logs';
import { currentContext } from '../context/request-context';
import type { PulseEvent, PulseEventLevel } from '../events';
import { redactText, redactValue } from '../redaction';

// `pulse.capture({ type, level, message, metadata, tags })`: custom events, as in the seeds'
// SDKs. A call with the wrong shape (a bug at the call site, the same on every call) throws a
// TypeError that says what is wrong; data that is merely too big is cut to size and counted.

export interface CustomEventInput {
  /** What happened, e.g. `signup` or `payment.failed`: letters, digits, `_`, `.`, `:`, `-`. */
  type: string;
  /** Default `info`. */
  level?: PulseEventLevel;
  /** Default: the type. Cut at 8 KiB. */
  message?: string;
  /** Any JSON-like data; cut to 16 KiB, depth 6, 100 keys per object. */
  metadata?: Record<string, unknown>;
  /** Short values to filter on in Loki (structured metadata `tag_<name>`): at most 20. */
  tags?: Record<string, string | number | boolean>;
}

const TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const LEVELS = ['debug', 'info', 'warn', 'error'];
export const MAX_MESSAGE = 8 * 1024;
export const MAX_TAGS = 20;
const MAX_TAG_VALUE = 256;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(field: string, expected: string, got: unknown): never {
  throw new TypeError(`pulse.capture(): ${field} must be ${expected}, got ${describe(got)}`);
}

/** Validates and sizes a custom event; `truncated` when any field was cut. */
export function customEvent(input: CustomEventInput): { event: PulseEvent; truncated: boolean } {
  if (!isPlainObject(input)) invalid('the event', 'an object { type, level?, message?, metadata?, tags? }', input);
  const { type, level = 'info', message, metadata, tags } = input;
  if (typeof type !== 'string' || !TYPE.test(type)) {
    const expected = 'a string of 1–100 letters, digits, "_", ".", ":" or "-" starting with a letter';
    if (type === undefined) invalid('"type"', `given: it names the event (e.g. "signup"), ${expected}`, type);
    invalid('"type"', expected, type);
  }
  if (!LEVELS.includes(level)) invalid('"level"', `one of ${LEVELS.join(', ')}`, level);
  if (message !== undefined && typeof message !== 'string') invalid('"message"', 'a string', message);
  if (metadata !== undefined && !isPlainObject(metadata)) invalid('"metadata"', 'an object', metadata);
  if (tags !== undefined && !isPlainObject(tags)) invalid('"tags"', 'an object of short string values', tags);

  let truncated = false;
  const msg = redactText(message ?? type, MAX_MESSAGE);
  truncated ||= msg.truncated;

  let boundedTags: Record<string, string | number | boolean> | undefined;
  if (tags !== undefined) {
    boundedTags = {};
    let n = 0;
    for (const [name, value] of Object.entries(tags)) {
      if (!TAG_NAME.test(name))
        invalid(`tag name ${JSON.stringify(name)}`, 'letters, digits and "_" (not starting with a digit)', name);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        invalid(`tag "${name}"`, 'a string, number or boolean', value);
      }
      if (n++ >= MAX_TAGS) {
        truncated = true;
        continue;
      }
      if (typeof value === 'string') {
        const v = redactText(value, MAX_TAG_VALUE);
        truncated ||= v.truncated;
        boundedTags[name] = v.value;
      } else boundedTags[name] = value;
    }
  }

  let boundedMetadata: unknown;
  if (metadata !== undefined) {
    const b = redactValue(metadata);
    boundedMetadata = b.value;
    truncated ||= b.truncated;
  }

  const ctx = currentContext();
  const event: PulseEvent = {
    kind: 'custom',
    level,
    message: msg.value,
    [LOG_METADATA.eventType]: type,
  };
  if (ctx !== undefined) {
    event.traceId = ctx.traceId;
    if (ctx.route !== undefined) event.route = ctx.route;
    event[LOG_METADATA.method] = ctx.method;
  }
  if (boundedMetadata !== undefined) event.metadata = boundedMetadata;
  if (boundedTags !== undefined) event.tags = boundedTags;
  if (truncated) event.truncated = true;
  return { event, truncated };
}
