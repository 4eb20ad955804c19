// Structured events (errors, slow requests, slow queries, N+1 findings, lifecycle) leave Pulse
// through one sink. The logs signal ships them to Loki; without it they are JSON lines on stdout.

export type PulseEventKind = 'error' | 'slow_request' | 'slow_query' | 'n_plus_one' | 'custom' | 'lifecycle';
export type PulseEventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PulseEvent {
  kind: PulseEventKind;
  level: PulseEventLevel;
  message: string;
  traceId?: string;
  route?: string;
  [field: string]: unknown;
}

export interface EventSink {
  /** Must not throw and must not block: called on the request path. */
  emit(event: PulseEvent): void;
  /** Delivers what is buffered, within the deadline. */
  flush?(deadlineMs: number): Promise<void>;
}

/** 12-factor default: one JSON object per line on stdout. */
export function stdoutEventSink(serviceName: string, env: string): EventSink {
  return {
    emit(event) {
      process.stdout.write(
        JSON.stringify({ time: new Date().toISOString(), service_name: serviceName, env, ...event }) + '\n',
      );
    },
  };
}
