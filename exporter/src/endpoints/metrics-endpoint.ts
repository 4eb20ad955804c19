import type { Registry } from 'prom-client';
import { pulseScrapeDuration } from '../catalog/pulse';
import type { EndpointHandler, PulseCore } from '../core';
import type { ExpositionFormat } from '../metrics/exposition';
import { contentTypeOf, formatFromAccept } from '../metrics/exposition';
import { serializePromClientRegistry } from '../metrics/prom-client-bridge';
import { compileAuthCheck, rejectUnauthorized } from './auth';

/**
 * GET /metrics: Pulse's registry and the app's prom-client registry in one response, as
 * Prometheus text or OpenMetrics (with exemplars) by the scrape's Accept header. Concurrent
 * scrapes in the same format share one serialisation.
 */
export function createMetricsEndpoint(
  core: PulseCore,
  promRegistry: Registry,
): {
  handler: EndpointHandler;
  render: (format: ExpositionFormat) => Promise<string>;
} {
  const auth = core.options.metrics.auth;
  const authorised = compileAuthCheck(auth);
  const scrapeDuration = core.metrics.gauge(pulseScrapeDuration).seriesFor([]);
  const inFlight = new Map<ExpositionFormat, Promise<string>>();

  async function renderNow(format: ExpositionFormat): Promise<string> {
    const started = performance.now();
    const own = await core.metrics.serialize(format);
    const theirs = await serializePromClientRegistry(promRegistry, format);
    scrapeDuration.set((performance.now() - started) / 1000);
    return own + theirs + (format === 'openmetrics' ? '# EOF\n' : '');
  }

  function render(format: ExpositionFormat): Promise<string> {
    const pending = inFlight.get(format);
    if (pending !== undefined) return pending;
    const next = renderNow(format).finally(() => inFlight.delete(format));
    inFlight.set(format, next);
    return next;
  }

  const handler: EndpointHandler = (req, res) => {
    if (authorised !== undefined && !authorised(req)) return rejectUnauthorized(res, auth!);
    const format = formatFromAccept(req.headers.accept);
    render(format).then(
      (body) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', contentTypeOf(format));
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
      },
      (err: unknown) => {
        core.internalError('metrics', err);
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('metrics serialisation failed\n');
      },
    );
  };
  return { handler, render };
}
