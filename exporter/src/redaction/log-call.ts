import type { Logger } from 'pino';
import { redactText, redactValue } from './redact';
import { REDACTED } from './mask-secrets';
import { DEFAULT_SECRET_NAME, isSecretName } from './secret-names';

// `pulse.logger` calls, redacted before pino formats them: the message and its interpolation
// values, the fields object (secret-named fields replaced, strings masked) and Errors, which keep
// their class so pino's error serializer still writes type, message and stack.

const MAX_MESSAGE = 8 * 1024;
const MAX_STACK = 16 * 1024;
const FIELD_BOUNDS = { maxBytes: 64 * 1024, maxDepth: 8, maxKeys: 200, maxString: MAX_MESSAGE };

function redactedError(err: Error): Error {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Error;
  const own = redactValue({ ...err }, FIELD_BOUNDS).value as Record<string, unknown>;
  Object.assign(copy, own);
  copy.message = redactText(String(err.message), MAX_MESSAGE).value;
  if (typeof err.stack === 'string') copy.stack = redactText(err.stack, MAX_STACK).value;
  if (err.name !== copy.name) copy.name = err.name;
  return copy;
}

/** A log call's fields object, one level at a time so Errors at the top keep their class. */
export function redactLogFields(fields: object): object {
  if (fields instanceof Error) return redactedError(fields);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (isSecretName(key, DEFAULT_SECRET_NAME)) out[key] = REDACTED;
    else if (value instanceof Error) out[key] = redactedError(value);
    else out[key] = redactValue(value, FIELD_BOUNDS).value;
  }
  return out;
}

/** Every argument of `logger.info(fields?, message?, ...values)`. */
export function redactLogArguments(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (typeof arg === 'string') return redactText(arg, MAX_MESSAGE).value;
    if (typeof arg === 'object' && arg !== null) return redactLogFields(arg);
    return arg;
  });
}

/** `logger.child(bindings)` at every depth (children inherit `child`): pino writes bindings once, unformatted. */
export function redactChildBindings(logger: Logger): void {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactLogFields(bindings), options);
  } as Logger['child'];
}
