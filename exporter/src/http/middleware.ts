import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HTTP_ABORTED_ERROR,
  HTTP_UNMATCHED_ROUTE,
  httpServerActiveRequests,
  httpServerRequestBodySize,
  httpServerRequestDuration,
  httpServerResponseBodySize,
} from '../catalog/http';
import type { HttpRequestContext, RequestContext } from '../context/request-context';
import { createRequestContext, forgetContext, runWithContext } from '../context/request-context';
import { activeOtelTraceId } from '../context/otel';
import { newTraceId, traceIdFromTraceparent } from '../context/trace-id';
import type { PulseCore, RequestEnd } from '../core';
import type { GaugeSeries } from '../metrics/gauge';
import type { HistogramSeries } from '../metrics/histogram';
import { untemplatedRoute } from '../express/untemplated-route';
import { compileExcludedPaths } from './exclude-paths';
import { InFlightRequests } from './in-flight';
import { ownEndpointMatcher } from './own-endpoints';
import { METHOD_INDEX, normaliseMethod } from './methods';

type Req = IncomingMessage & { originalUrl?: string };
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** The three histograms' series for one label set, looked up together once per request. */
interface SeriesGroup {
  readonly labels: readonly string[];
  duration: HistogramSeries;
  /** Created on first observation: most GETs have no request body, so no empty histograms. */
  requestSize: HistogramSeries | undefined;
  responseSize: HistogramSeries | undefined;
}

export interface HttpSignal {
  middleware: Middleware;
  /**
   * The middleware's work for a framework that routes by itself (Fastify): measures the request
   * and returns its context (the caller runs the request's code in it and sets its `route`), or
   * undefined for an excluded path. The caller leaves Pulse's own endpoints out, as it routes them.
   */
  startRequest(req: IncomingMessage, res: ServerResponse): HttpRequestContext | undefined;
}

/** How the HTTP signal meets the rest of Pulse: its endpoints and a first-request hook. */
export interface HttpSignalHooks {
  /** Answers a request for one of Pulse's endpoints (true) or declines it (false). */
  serveEndpoint?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Runs once, with the first request the middleware sees. */
  onFirstRequest?: (req: IncomingMessage) => void;
}

/**
 * RED metrics per route template. The request path does as little as possible: a context object,
 * one header, a link in the in-flight list; everything else happens once the response has ended.
 */
export function createHttpSignal(
  core: PulseCore,
  extraExcludedPaths: readonly string[],
  requestEndHooks: readonly ((ctx: RequestContext, end: RequestEnd) => void)[] = [],
  hooks: HttpSignalHooks = {},
): HttpSignal {
  const { http, metrics: metricOptions } = core.options;
  const duration = core.metrics.histogram(httpServerRequestDuration);
  const requestSize = core.metrics.histogram(httpServerRequestBodySize);
  const responseSize = core.metrics.histogram(httpServerResponseBodySize);
  const active = core.metrics.gauge(httpServerActiveRequests);
  const isExcluded = compileExcludedPaths(http.excludePaths);
  const ownEndpoint = ownEndpointMatcher(extraExcludedPaths);
  const traceIdHeader = http.traceIdHeader;
  const routeName = http.routeName;
  const exemplars = metricOptions.exemplars;
  const timeOrigin = performance.timeOrigin;

  // Route template -> (method, status, aborted) packed into a number -> series: no key string is
  // built per request. Holds only non-overflow groups, so it is bounded by the series cap.
  const groups = new Map<string, Map<number, SeriesGroup>>();
  // Handed to request-end hooks; reused, so hooks must not keep it past their call.
  const end: RequestEnd = { method: '', route: '', statusCode: '', errorType: '', durationSeconds: 0, aborted: false };
  const activeByMethod = new Map<string, GaugeSeries>();

  const activeSeries = (method: string): GaugeSeries => {
    let series = activeByMethod.get(method);
    if (series === undefined) {
      series = active.seriesFor([method]); // methods are a closed set: this map stays tiny
      activeByMethod.set(method, series);
    }
    return series;
  };

  const groupFor = (method: string, route: string, statusCode: number, aborted: boolean): SeriesGroup => {
    const key = (METHOD_INDEX.get(method) ?? 0) * 2048 + statusCode * 2 + (aborted ? 1 : 0);
    let forRoute = groups.get(route);
    const cached = forRoute?.get(key);
    if (cached !== undefined) return cached;
    const status = statusCode === 0 ? '' : String(statusCode);
    const errorType = aborted ? HTTP_ABORTED_ERROR : statusCode >= 500 ? status : '';
    const labels = [method, route, status, errorType];
    const group: SeriesGroup = {
      labels,
      duration: duration.seriesFor(labels),
      requestSize: undefined,
      responseSize: undefined,
    };
    // Overflow series are not cached, so every later use still counts as dropped.
    if (!duration.isOverflow(group.duration)) {
      if (forRoute === undefined) groups.set(route, (forRoute = new Map()));
      forRoute.set(key, group);
    }
    return group;
  };

  function routeOf(req: Req, ctx: HttpRequestContext, status: number): string {
    if (routeName !== undefined) {
      const named = routeName(req);
      if (named !== undefined) return named;
    }
    if (ctx.route !== undefined) return ctx.route;
    // A path-mounted middleware (static files, a proxy) that answered without a route.
    const mounted = ctx.mountedMiddleware;
    if (mounted !== undefined && status !== 404) return mounted;
    // A route Pulse never wrapped answered: a bounded stand-in and a warning, not "(unmatched)".
    return untemplatedRoute(req) ?? HTTP_UNMATCHED_ROUTE;
  }

  /**
   * Records a request whose response has ended. `aborted` is known when node:http reported the
   * end (finish, or the connection closed first); undefined when a 'close' listener fired.
   */
  function recordResponse(res: ServerResponse, ctx: HttpRequestContext, knownAborted: boolean | undefined): void {
    if (ctx.closed) return;
    ctx.closed = true;
    forgetContext(ctx);
    try {
      const now = performance.now();
      activeSeries(ctx.method).dec();
      // 'close' without 'finish': the client went away before the response was complete.
      const aborted = knownAborted ?? !res.writableFinished;
      // No status when the client left before the headers went out.
      const statusCode = aborted && !res.headersSent ? 0 : res.statusCode;
      const route = routeOf(ctx.request as Req, ctx, statusCode);
      const group = groupFor(ctx.method, route, statusCode, aborted);
      const seconds = (now - ctx.startTime) / 1000;
      if (exemplars) group.duration.observeWithExemplar(seconds, ctx.traceId, timeOrigin + now);
      else group.duration.observe(seconds);
      const reqLength = ctx.requestLength;
      if (reqLength !== undefined) {
        const series = group.requestSize ?? requestSize.seriesFor(group.labels);
        if (!requestSize.isOverflow(series)) group.requestSize = series;
        series.observe(Number(reqLength) || 0);
      }
      const resLength = res.getHeader('content-length');
      if (resLength !== undefined) {
        const series = group.responseSize ?? responseSize.seriesFor(group.labels);
        if (!responseSize.isOverflow(series)) group.responseSize = series;
        series.observe(Number(resLength) || 0);
      }
      if (requestEndHooks.length > 0) {
        end.method = ctx.method;
        end.route = route;
        end.statusCode = group.labels[2]!;
        end.errorType = group.labels[3]!;
        end.durationSeconds = seconds;
        end.aborted = aborted;
        for (const hook of requestEndHooks) hook(ctx, end);
      }
    } catch (err) {
      core.internalError('http', err);
    }
  }

  const inFlight = new InFlightRequests(recordResponse);
  core.onShutdown(() => inFlight.close());

  const { serveEndpoint, onFirstRequest } = hooks;
  let firstRequest = true;

  const middleware: Middleware = function pulseMiddleware(rawReq, rawRes, next) {
    const req = rawReq as Req;
    if (firstRequest) {
      firstRequest = false;
      onFirstRequest?.(req);
    }
    // Pulse's own endpoints (in any case, as Express routes them) and the excluded paths are not measured.
    const url = req.originalUrl ?? req.url ?? '/';
    if (ownEndpoint(url) !== undefined || (isExcluded !== undefined && isExcluded(url))) {
      if (serveEndpoint !== undefined && serveEndpoint(rawReq, rawRes)) return;
      return next();
    }
    runWithContext(start(req, rawRes), next);
  };

  function start(req: Req, rawRes: ServerResponse): HttpRequestContext {
    const method = normaliseMethod(req.method);
    const headers = req.headers;
    // A user's OpenTelemetry span first, so events and exemplars name the trace their tracer records.
    const traceId = activeOtelTraceId() ?? traceIdFromTraceparent(headers.traceparent) ?? newTraceId();
    // The context travels in AsyncLocalStorage and in the in-flight list, never as a property of
    // req or res (see route-templates.ts for why).
    const ctx = createRequestContext(req, traceId, method, performance.now());
    ctx.requestLength = headers['content-length'];
    if (traceIdHeader !== false) rawRes.setHeader(traceIdHeader, traceId);
    activeSeries(method).inc();
    if (!inFlight.track(ctx, req)) rawRes.on('close', () => recordResponse(rawRes, ctx, undefined));
    return ctx;
  }

  function startRequest(req: IncomingMessage, res: ServerResponse): HttpRequestContext | undefined {
    if (isExcluded !== undefined && isExcluded(req.url ?? '/')) return undefined;
    return start(req, res);
  }

  return { middleware, startRequest };
}
