import type { DestinationStream, Logger } from 'pino';
import pino from 'pino';
import {
  EVENT_KINDS,
  LOG_METADATA,
  LOKI_LABELS,
  RESERVED_LOG_FIELDS,
  pulseLogEventsTruncated,
  pulseLogFieldsRenamed,
} from '../catalog/logs';
import type { PulseCore } from '../core';
import type { CustomEventInput } from './custom-events';
import { customEvent } from './custom-events';
import { pinoEventSink } from './event-sink';
import { lifecycleEvent, serviceInstanceId } from './lifecycle';
import { createLoggers, keepReservedBindingsForPulse } from './logger';
import type { DeliveryStatus, LogPipeline } from './shipping-pipeline';
import { logOutcomeCounter, startShippingPipeline } from './shipping-pipeline';
import { onSignal } from './signals';
import type { ShipperConfig } from './worker/protocol';

export type { CustomEventInput } from './custom-events';
export type { DeliveryStatus } from './shipping-pipeline';

/** What the logs signal adds to the Pulse object. */
export interface LogsApi {
  /**
   * A pino logger shipped with Pulse's events (to Loki, or stdout without Loki). Inside a request
   * every line carries `trace_id`, `http_route` and `http_request_method`.
   */
  readonly logger: Logger;
  /**
   * Records a custom event (`event_kind="custom"`). A call with the wrong shape throws a
   * TypeError saying what is wrong; oversized data is cut and counted, never thrown.
   */
  capture(event: CustomEventInput): void;
  /** Where log shipping stands (undefined without Loki): for health checks, debugging and tests. */
  logDelivery(): DeliveryStatus | undefined;
}

/** How often the shipping thread reports its counts to the main thread's registry. */
const REPORT_INTERVAL_MS = 250;

/**
 * Creates the logs signal. It runs first in createPulse: it replaces `core.events` with a sink
 * that writes pino lines, which the other signals' events then go through.
 */
export function createLogsSignal(core: PulseCore): { api: LogsApi } {
  const { logs, serviceName, env, serviceVersion } = core.options;
  const count = logOutcomeCounter(core);
  const truncated = core.metrics.counter(pulseLogEventsTruncated);
  truncated.seed(EVENT_KINDS.map((kind) => [kind]));

  let pipeline: LogPipeline | undefined;
  let destination: DestinationStream;
  if (logs.loki !== undefined) {
    const config: ShipperConfig = {
      ...logs.loki,
      staticLabels: { ...logs.loki.labels, [LOKI_LABELS.serviceName]: serviceName, [LOKI_LABELS.env]: env },
      reportIntervalMs: REPORT_INTERVAL_MS,
      endFlushTimeoutMs: logs.exitFlushTimeoutMs,
    };
    pipeline = startShippingPipeline(core, config, logs.exitFlushTimeoutMs, count);
    destination = pipeline.destination;
  } else {
    // 12-factor default: JSON lines on stdout, written synchronously like console.log.
    const stdout = pino.destination({ dest: 1, sync: true });
    destination = {
      write(line: string) {
        stdout.write(line);
        count('sent', 'stdout', 1);
      },
    };
  }

  // On stdout the lines need their service; in Loki these are stream labels. Every line names its
  // process (structured metadata in Loki): the app's instance filter joins it to Prometheus's
  // `instance` through pulse_runtime_info, which carries the same id.
  const base = {
    ...(pipeline === undefined ? { [LOKI_LABELS.serviceName]: serviceName, [LOKI_LABELS.env]: env } : {}),
    [LOG_METADATA.instance]: serviceInstanceId(),
  };
  const renamed = core.metrics.counter(pulseLogFieldsRenamed);
  renamed.seed(RESERVED_LOG_FIELDS.map((field) => [field]));
  const onReservedField = (field: string): void => renamed.inc([field]);
  const { logger, eventLogger } = createLoggers(destination, logs.level, base, onReservedField);
  keepReservedBindingsForPulse(logger, onReservedField);
  const flush = (timeoutMs: number): Promise<void> => pipeline?.flush(timeoutMs, false) ?? Promise.resolve();
  core.events = pinoEventSink(eventLogger, flush, (err) => core.internalError('logs', err));

  let stopped = false;
  const recordStop = (reason: string): void => {
    if (stopped || !logs.lifecycleEvents) return;
    stopped = true;
    core.events.emit(lifecycleEvent('stop', reason, serviceVersion));
  };
  if (logs.lifecycleEvents) core.events.emit(lifecycleEvent('start', undefined, serviceVersion));

  const removeSignalHandlers = logs.signals.map((signal) =>
    onSignal(signal, async (received) => {
      recordStop(received);
      await flush(logs.shutdownTimeoutMs);
    }),
  );

  core.onShutdown(async () => {
    for (const remove of removeSignalHandlers) remove();
    recordStop('shutdown');
    await pipeline?.flush(logs.shutdownTimeoutMs, true);
  });

  const truncatedCustom = truncated.seriesFor(['custom']);
  return {
    api: {
      logger,
      capture(input) {
        const result = customEvent(input);
        if (result.truncated) truncatedCustom.inc();
        core.events.emit(result.event);
      },
      logDelivery: () => pipeline?.status(),
    },
  };
}
