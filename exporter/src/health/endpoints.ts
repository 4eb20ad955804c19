import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointHandler } from '../core';
import { compileAuthCheck, rejectUnauthorized } from '../endpoints/auth';
import type { ResolvedHealthOptions } from './options';
import type { HealthReport } from './types';

export interface HealthEndpointSources {
  report(verbose: boolean): HealthReport;
  ready(): { ready: boolean; reason?: string; failing?: string[] };
  live(): { live: boolean; eventLoopDelayMs: number };
}

const STATUS_CODES = { healthy: 200, unhealthy: 503 } as const;

function send(res: ServerResponse, statusCode: number, body: unknown): void {
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

function isVerbose(req: IncomingMessage): boolean {
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
 */
export function createHealthEndpoints(
  options: ResolvedHealthOptions,
  sources: HealthEndpointSources,
): Record<string, EndpointHandler> {
  const authorised = compileAuthCheck(options.auth);
  const guard =
    (handler: EndpointHandler): EndpointHandler =>
    (req, res) => {
      if (authorised !== undefined && !authorised(req)) return rejectUnauthorized(res, options.auth!);
      try {
        handler(req, res);
      } catch {
        // Never let a health endpoint throw into the app's router.
        if (!res.headersSent) send(res, 500, { status: 'error' });
      }
    };

  return {
    [options.path]: guard((req, res) => {
      const report = sources.report(isVerbose(req));
      const code = report.status === 'degraded' ? options.degradedStatusCode : STATUS_CODES[report.status];
      send(res, code, report);
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
