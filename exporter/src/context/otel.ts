import { createRequire } from 'node:module';
import { join } from 'node:path';

// The span of a user's OpenTelemetry tracer, read through `@opentelemetry/api` when the app has
// it (an optional peer dependency: never bundled, never required). Loaded once, lazily; without
// it every function here is a single comparison. The app's own copy is preferred: an API copy
// with a newer minor than the one the SDK registered gets no-op answers.

/** The parts of `@opentelemetry/api` Pulse uses. */
interface OtelApi {
  trace: {
    getSpanContext(context: unknown): OtelSpanContext | undefined;
    isSpanContextValid(spanContext: OtelSpanContext): boolean;
  };
  context: { active(): unknown };
  propagation: { fields(): string[] };
}

export interface OtelSpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

let api: OtelApi | null | undefined;

// Where `@opentelemetry/api` 1.x keeps what an SDK registered. Without a context manager there,
// no span can be active: one property read per request instead of a walk through the API.
const OTEL_GLOBALS = Symbol.for('opentelemetry.js.api.1');
const globals = globalThis as { [OTEL_GLOBALS]?: { context?: unknown } };

function requireFrom(base: string): OtelApi | null {
  try {
    const mod = createRequire(base)('@opentelemetry/api') as Partial<OtelApi>;
    return typeof mod.trace?.getSpanContext === 'function' && typeof mod.context?.active === 'function'
      ? (mod as OtelApi)
      : null;
  } catch {
    return null;
  }
}

/** `@opentelemetry/api` as the app resolves it (else as Pulse does), or null when absent. */
export function loadOtelApi(): OtelApi | null {
  if (api === undefined) api = requireFrom(join(process.cwd(), 'noop.js')) ?? requireFrom(__filename);
  return api;
}

/** The valid span context active in OpenTelemetry's context right now, if any. */
export function activeOtelSpanContext(): OtelSpanContext | undefined {
  if (globals[OTEL_GLOBALS]?.context === undefined) return undefined;
  const otel = api === undefined ? loadOtelApi() : api;
  if (otel === null) return undefined;
  const spanContext = otel.trace.getSpanContext(otel.context.active());
  return spanContext !== undefined && otel.trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The trace id of the active OpenTelemetry span, so Pulse's events and exemplars name the same trace. */
export function activeOtelTraceId(): string | undefined {
  return activeOtelSpanContext()?.traceId;
}

/** True when an OpenTelemetry SDK registered a propagator that writes `traceparent`. */
export function otelPropagatesTraceparent(): boolean {
  const otel = api === undefined ? loadOtelApi() : api;
  return otel !== null && otel.propagation.fields().includes('traceparent');
}
