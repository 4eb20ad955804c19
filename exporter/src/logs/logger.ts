import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import pino from 'pino';
import { APP_FIELD_PREFIX, LOG_METADATA, RESERVED_LOG_FIELDS } from '../catalog/logs';
import { currentContext } from '../context/request-context';
import { redactChildBindings, redactLogArguments } from '../redaction';
import type { LogLevel } from './options';

// Two pino loggers on one destination: `pulse.logger` for the application (its level is the
// app's choice; inside a request every line carries the request's trace id, route and method),
// and the event logger Pulse writes its own events with (never filtered by the app's level).

/**
 * Runs on every app log call: one AsyncLocalStorage read and one small object (pino merges the
 * call's fields into it, so it cannot be a shared constant).
 */
function requestFields(): object {
  const ctx = currentContext();
  if (ctx === undefined) return {};
  return {
    [LOG_METADATA.traceId]: ctx.traceId,
    [LOG_METADATA.route]: ctx.route,
    [LOG_METADATA.method]: ctx.method,
  };
}

/**
 * Merges an app log call's fields over the request fields, renaming the fields Pulse reserves
 * (`event_kind: 'error'` becomes `app_event_kind`, `trace_id` `app_trace_id`): the line stays a
 * `log`, never a Pulse event, and keeps the request's trace id, route and method. Only the app's
 * fields are renamed (the request's are Pulse's), on a copy: the caller's object is left alone.
 */
function keepReservedFieldsForPulse(
  onRenamed: (field: string) => void,
): (fields: object, requestFields: object) => object {
  return (fields, requestFields) => {
    const app = fields as Record<string, unknown>;
    let renamed: Record<string, unknown> | undefined;
    for (const field of RESERVED_LOG_FIELDS) {
      if (field in app) {
        renamed ??= Object.assign({}, app);
        renamed[APP_FIELD_PREFIX + field] = app[field];
        delete renamed[field];
        onRenamed(field);
      }
    }
    return Object.assign(requestFields, renamed ?? app);
  };
}

/** The same renaming for `pulse.logger.child({ … })` bindings, at every depth (children inherit `child`). */
export function keepReservedBindingsForPulse(logger: Logger, onRenamed: (field: string) => void): void {
  const rename = keepReservedFieldsForPulse(onRenamed);
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, rename(bindings, {}), options);
  } as Logger['child'];
}

export interface Loggers {
  logger: Logger;
  eventLogger: Logger;
}

export function createLoggers(
  destination: DestinationStream,
  level: LogLevel,
  /** Fields on every line: the process id; service_name and env on stdout only (labels in Loki). */
  base: Record<string, string> | null,
  onReservedField: (field: string) => void = () => {},
): Loggers {
  const common: LoggerOptions = {
    // Only the app's logger has a mixin, so only its lines go through this.
    mixinMergeStrategy: keepReservedFieldsForPulse(onReservedField),
    base,
    messageKey: 'msg',
    // Level names, not numbers: Loki's `level` label and Grafana's log level detection read them.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.epochTime,
  };
  const logger = pino(
    {
      ...common,
      level,
      mixin: requestFields,
      // The app's lines are redacted like every event Pulse ships (../redaction).
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactLogArguments(args) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
  redactChildBindings(logger);
  return {
    logger,
    eventLogger: pino({ ...common, level: 'trace' }, destination),
  };
}
