export { createPulse } from './pulse';
export type { Pulse, MountTarget } from './pulse';
export type { PulseFastifyPlugin } from './fastify/index';
export type { PulseOptions, HttpOptions, MetricsOptions } from './config/options';
export { PulseConfigError } from './config/errors';
export { currentContext } from './context/request-context';
export type { RequestContext } from './context/request-context';
export { MetricRegistry } from './metrics/registry';
export type { ExpositionFormat } from './metrics/exposition';
export { catalog, allMetrics } from './catalog/index';
export type { MetricDefinition } from './catalog/types';
export type { PulseEvent, EventSink } from './events';
export type { LogsOptions, LokiOptions } from './logs/options';
export type { CustomEventInput, DeliveryStatus } from './logs/index';
export type { ErrorsOptions, RequestCaptureOptions } from './errors/options';
export type { CaptureContext, ErrorMiddleware } from './errors/index';
export type { KoaMiddleware, KoaContextLike, KoaAppLike } from './koa/index';
export type { DbOptions, SlowQueryOptions, NPlusOneOptions, RedactParameter } from './db/options';
export type { InstrumentOptions, InstrumentedKind } from './db/index';
export type { RuntimeOptions } from './runtime/options';
export type { DepsOptions } from './deps/options';
export { excludeFromDependencyTracking } from './deps/index';
export type { TrackDependencyOptions } from './deps/index';
export type { HealthOptions } from './health/options';
export type { ClusterOptions } from './cluster/options';
export type {
  HealthCheck,
  HealthCheckContext,
  HealthCheckResult,
  HealthRegistry,
  HealthReport,
  HealthStatus,
} from './health/index';
