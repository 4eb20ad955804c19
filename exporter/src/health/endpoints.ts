import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointHandler } from '../core';
import { compileAuthCheck, hasCredentials, rejectUnauthorized } from '../endpoints/auth';
import type { ResolvedHealthOptions } from './options';
import { healthSummary } from './report';
import type { HealthReport } from './types';

export interface HealthEndpointSources {
  report(verbose: boolean): HealthReport;
  ready(): { ready: boolean; reason?: string; failing?: string[] };
  live(): { live: boolean; eventLoopDelayMs: number };
}

const STATUS_CODES = { healthy: 200, unhealthy: 503 } as const;

/** A JSON answer that no cache keeps (health changes from one probe to the next). */
export function send(res: ServerResponse, statusCode: number, body: unknown): void {
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

/** `?verbose` (any value but `false` or `0`). */
export function isVerbose(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q === -1) return false;
  const value = new URLSearchParams(url.slice(q + 1)).get('verbose');
  return value !== null && value !== 'false' && value !== '0';
}

/**
 * `GET /health` (composite, per-check status, latency, error; `?verbose=true` adds details and
 * history), `GET /health/live` and `GET /health/ready`. They read what the runner last saw:
 * a probe never runs a check itself, so probes cannot overload a dependency.
 *
 * Check errors can name internal hosts and ports, so `/health` shows them only to callers with
 * `health.auth`'s credentials (or to everyone with `health.details: 'public'`); anyone else gets
 * the status and the check names. Wrong credentials get a 401 on every endpoint.
 */
export function createHealthEndpoints(
  options: ResolvedHealthOptions,
  sources: HealthEndpointSources,
): Record<string, EndpointHandler> {
  const authorised = compileAuthCheck(options.auth);
  const seesDetails = (req: IncomingMessage): boolean =>
    options.details === 'public' || (authorised !== undefined && authorised(req));
  const guard =
    (handler: EndpointHandler): EndpointHandler =>
    (req, res) => {
      if (authorised !== undefined && hasCredentials(req) && !authorised(req))
        return rejectUnauthorized(res, options.auth!);
      try {
        handler(req, res);
      } catch {
        // Never let a health endpoint throw into the app's router.
        if (!res.headersSent) send(res, 500, { status: 'error' });
      }
    };

  return {
    [options.path]: guard((req, res) => {
      const details = seesDetails(req);
      const report = sources.report(details && isVerbose(req));
      const code = report.status === 'degraded' ? options.degradedStatusCode : STATUS_CODES[report.status];
      send(res, code, details ? report : healthSummary(report));
    }),
    [`${options.path}/live`]: guard((_req, res) => {
      const live = sources.live();
      send(res, live.live ? 200 : 503, {
        status: live.live ? 'alive' : 'event_loop_stuck',
        eventLoopDelayMs: Math.round(live.eventLoopDelayMs),
      });
    }),
    [`${options.path}/ready`]: guard((_req, res) => {
      const ready = sources.ready();
      send(res, ready.ready ? 200 : 503, {
        status: ready.ready ? 'ready' : 'not_ready',
        ...(ready.reason !== undefined && { reason: ready.reason }),
        ...(ready.failing !== undefined && { failing: ready.failing }),
      });
    }),
  };
}
