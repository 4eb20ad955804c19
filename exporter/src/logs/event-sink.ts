import type { Logger } from 'pino';
import { LOG_METADATA } from '../catalog/logs';
import type { EventSink, PulseEvent, PulseEventLevel } from '../events';

// The EventSink the other signals emit to (errors, slow requests, slow queries, N+1, lifecycle),
// as pino lines: `event_kind` becomes a Loki label, trace id and route structured metadata.

const LEVELS = new Set<PulseEventLevel>(['debug', 'info', 'warn', 'error']);

export function pinoEventSink(
  logger: Logger,
  flush: (deadlineMs: number) => Promise<void>,
  onError: (err: unknown) => void,
): EventSink {
  return {
    emit(event: PulseEvent) {
      try {
        const { kind, level, message, traceId, route, ...fields } = event;
        const line: Record<string, unknown> = { event_kind: kind };
        if (traceId !== undefined) line[LOG_METADATA.traceId] = traceId;
        if (route !== undefined) line[LOG_METADATA.route] = route;
        Object.assign(line, fields);
        logger[LEVELS.has(level) ? level : 'info'](line, message);
      } catch (err) {
        onError(err);
      }
    },
    flush,
  };
}
