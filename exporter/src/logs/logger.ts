import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import pino from 'pino';
import { LOG_METADATA } from '../catalog/logs';
import { currentContext } from '../context/request-context';
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

export interface Loggers {
  logger: Logger;
  eventLogger: Logger;
}

export function createLoggers(
  destination: DestinationStream,
  level: LogLevel,
  /** Fields on every line: service_name and env on stdout; none for Loki, where they are labels. */
  base: Record<string, string> | null,
): Loggers {
  const common: LoggerOptions = {
    base,
    messageKey: 'msg',
    // Level names, not numbers: Loki's `level` label and Grafana's log level detection read them.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.epochTime,
  };
  return {
    logger: pino({ ...common, level, mixin: requestFields }, destination),
    eventLogger: pino({ ...common, level: 'trace' }, destination),
  };
}
