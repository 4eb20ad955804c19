import type { IncomingMessage, ServerResponse } from 'node:http';
import * as promClient from 'prom-client';
import { allMetrics } from './catalog/index';
import { INTERNAL_ERROR_SIGNALS, pulseInternalErrors } from './catalog/pulse';
import type { PulseOptions, ResolvedOptions } from './config/options';
import { resolveOptions } from './config/options';
import type { EndpointHandler, PulseCore } from './core';
import { createMetricsEndpoint } from './endpoints/metrics-endpoint';
import { createClusterSignal } from './cluster/index';
import type { EventSink } from './events';
import { stdoutEventSink } from './events';
import { patchLoadedExpress, templateAppRoutes } from './express/route-templates';
import type { DbApi } from './db/index';
import { createDbSignal } from './db/index';
import type { RuntimeApi } from './runtime/index';
import { createRuntimeSignal } from './runtime/index';
import type { DepsApi } from './deps/index';
import { createDepsSignal } from './deps/index';
import type { HealthApi } from './health/index';
import { createHealthSignal } from './health/index';
import type { LogsApi } from './logs/index';
import { createLogsSignal } from './logs/index';
import type { ErrorsApi } from './errors/index';
import { createErrorsSignal } from './errors/index';
import type { Middleware } from './http/middleware';
import type { KoaMiddleware } from './koa/index';
import { createKoaSignal } from './koa/index';
import type { PulseFastifyPlugin } from './fastify/index';
import { createFastifySignal } from './fastify/index';
import { createHttpSignal } from './http/middleware';
import { ownEndpointMatcher } from './http/own-endpoints';
import type { ExpositionFormat } from './metrics/exposition';
import { assertRegistryFree, exposeInPromClient } from './metrics/prom-client-bridge';
import { MetricRegistry } from './metrics/registry';

/** An Express app or router, or anything with `get(path, handler)`. */
export interface MountTarget {
  get(path: string, handler: EndpointHandler): unknown;
}

export interface Pulse extends DbApi, RuntimeApi, DepsApi, HealthApi, LogsApi, ErrorsApi {
  readonly options: Readonly<ResolvedOptions>;
  /** Pulse's own metrics (HTTP, db, runtime, …), for tests and custom endpoints. */
  readonly registry: MetricRegistry;
  /** Add first: `app.use(pulse.middleware())`. */
  middleware(): Middleware;
  /** Koa: `app.use(pulse.koa())`, first. Measures requests and serves /metrics and /health itself. */
  koa(): KoaMiddleware;
  /** Fastify 4/5: `await app.register(pulse.fastify())`, first. Measures requests and serves /metrics and /health before the app's routes. */
  fastify(): PulseFastifyPlugin;
  /** Serves GET /metrics (and the other Pulse endpoints) on `app`. */
  mount(app: MountTarget): void;
  /** The /metrics handler alone, for a separate server or a plain node:http app. */
  metricsHandler(): EndpointHandler;
  /** The exposition text a scrape would get. */
  renderMetrics(format?: ExpositionFormat): Promise<string>;
  /** Flushes events and stops background work; safe to call twice. */
  shutdown(): Promise<void>;
}

/**
 * Creates a Pulse instance. Options are validated here: a bad one throws a PulseConfigError that
 * names it. Routes get their templates whether they were registered before or after it.
 */
export function createPulse(options: PulseOptions): Pulse {
  const resolved = resolveOptions(options);
  const promRegistry = resolved.metrics.registry ?? promClient.register;
  // Claimed before anything starts (a thread, listeners, a start event), so a second instance fails clean.
  assertRegistryFree(
    promRegistry,
    allMetrics.map((m) => m.name),
  );
  const metrics = new MetricRegistry({
    maxSeriesPerMetric: resolved.metrics.maxSeriesPerMetric,
    seriesLimits: resolved.metrics.seriesLimits,
  });
  const internalErrors = metrics.counter(pulseInternalErrors);
  internalErrors.seed(INTERNAL_ERROR_SIGNALS.map((signal) => [signal]));
  const shutdownHooks: (() => void | Promise<void>)[] = [];
  const endpoints = new Map<string, EndpointHandler>();
  const requestEndHooks: Parameters<PulseCore['onRequestEnd']>[0][] = [];
  let events: EventSink = stdoutEventSink(resolved.serviceName, resolved.env);

  const core: PulseCore = {
    options: resolved,
    metrics,
    get events() {
      return events;
    },
    set events(sink: EventSink) {
      events = sink;
    },
    internalError(signal) {
      internalErrors.inc([signal]);
    },
    onShutdown(fn) {
      shutdownHooks.push(fn);
    },
    onRequestEnd(fn) {
      requestEndHooks.push(fn);
    },
    addEndpoint(path, handler) {
      endpoints.set(path, handler);
    },
  };

  patchLoadedExpress(resolved.http.express);
  const metricsEndpoint = createMetricsEndpoint(core, promRegistry);
  core.addEndpoint(resolved.metrics.path, metricsEndpoint.handler);

  if (resolved.metrics.defaultMetrics && promRegistry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    promClient.collectDefaultMetrics({ register: promRegistry });
  }

  // Each signal registers its metrics, endpoints and shutdown hooks on the core. Logs come first:
  // it installs the event sink the others write to.
  const logs = createLogsSignal(core);
  const db = createDbSignal(core);
  const runtime = createRuntimeSignal(core);
  const deps = createDepsSignal(core);
  const health = createHealthSignal(core);
  const errors = createErrorsSignal(core);
  // Under node:cluster / PM2 cluster mode: /metrics and /health answer for every worker.
  createClusterSignal(core, { promRegistry, metricsEndpoint, health: health.api.health });

  const mountedApps = new WeakSet<object>();
  // `/METRICS` and `/health/` too: Express routes case-insensitively, with or without the slash.
  const ownEndpoint = ownEndpointMatcher([...endpoints.keys()]);
  const serveOwnEndpoint = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = ownEndpoint(req.url ?? '/');
    const endpoint = path === undefined ? undefined : endpoints.get(path);
    if (endpoint === undefined) return false;
    endpoint(req, res);
    return true;
  };
  // The HTTP signal excludes every endpoint the signals added, and answers them itself on apps
  // passed to mount(), before any route or 404 handler of the app can shadow them.
  const http = createHttpSignal(core, [...endpoints.keys()], requestEndHooks, {
    serveEndpoint(req, res) {
      const app = (req as { app?: object }).app;
      return app !== undefined && mountedApps.has(app) && serveOwnEndpoint(req, res);
    },
    onFirstRequest(req) {
      // Routes registered before createPulse() (route modules imported first) or on an Express
      // copy Pulse did not find get their templates now, before this request is routed.
      const app = (req as { app?: object }).app;
      if (app !== undefined) templateAppRoutes(app); // none on Koa's raw request
    },
  });
  // Koa apps need no mount(): the middleware answers Pulse's endpoints on every app it runs in.
  const koa = createKoaSignal(core, {
    http: http.middleware,
    serveEndpoint: serveOwnEndpoint,
    recordError: errors.record,
  });
  // Fastify apps need no mount() either: the plugin answers Pulse's endpoints from its onRequest
  // hook, before the app's routes, whatever order they were registered in.
  const fastify = createFastifySignal(core, {
    http,
    ownEndpoint,
    serveEndpoint: serveOwnEndpoint,
    recordError: errors.record,
  });
  const unexpose = exposeInPromClient(promRegistry, metrics);

  let shutdownPromise: Promise<void> | undefined;

  return {
    ...logs.api,
    ...db.api,
    ...runtime.api,
    ...deps.api,
    ...health.api,
    ...errors.api,
    options: resolved,
    registry: metrics,
    middleware: () => http.middleware,
    koa: () => koa.middleware(),
    fastify: () => fastify.plugin(),
    mount(app) {
      if (typeof app?.get !== 'function') throw new TypeError('pulse.mount(app) needs an Express app or router');
      mountedApps.add(app);
      templateAppRoutes(app); // routes registered before createPulse()
      for (const [path, handler] of endpoints) app.get(path, handler);
    },
    metricsHandler: () => metricsEndpoint.handler,
    renderMetrics: (format = 'prometheus') => metricsEndpoint.render(format),
    shutdown() {
      shutdownPromise ??= (async () => {
        for (const hook of shutdownHooks.reverse()) {
          try {
            await hook();
          } catch (err) {
            core.internalError('shutdown', err);
          }
        }
        await events.flush?.(5000);
        unexpose();
      })();
      return shutdownPromise;
    },
  };
}
