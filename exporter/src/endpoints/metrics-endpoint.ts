import type { Registry } from 'prom-client';
import { pulseScrapeDuration } from '../catalog/pulse';
import type { EndpointHandler, PulseCore } from '../core';
import type { ExpositionFormat } from '../metrics/exposition';
import { contentTypeOf, formatFromAccept } from '../metrics/exposition';
import { serializePromClientRegistry } from '../metrics/prom-client-bridge';
import { compileAuthCheck, rejectUnauthorized } from './auth';

/** Renders every family of one scrape (without OpenMetrics' `# EOF`). */
export type MetricsSource = (format: ExpositionFormat) => Promise<Buffer[]>;

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
  /** Replaces what a scrape renders (the cluster signal: every worker's metrics, merged). */
  useSource(source: MetricsSource): void;
} {
  const auth = core.options.metrics.auth;
  const authorised = compileAuthCheck(auth);
  const scrapeDuration = core.metrics.gauge(pulseScrapeDuration).seriesFor([]);
  const inFlight = new Map<ExpositionFormat, Promise<Buffer[]>>();

  let source: MetricsSource = async (format) => {
    const chunks = await core.metrics.serializeChunks(format);
    chunks.push(Buffer.from(await serializePromClientRegistry(promRegistry, format), 'utf8'));
    return chunks;
  };

  async function renderNow(format: ExpositionFormat): Promise<Buffer[]> {
    const started = performance.now();
    const chunks = await source(format);
    if (format === 'openmetrics') chunks.push(Buffer.from('# EOF\n'));
    scrapeDuration.set((performance.now() - started) / 1000);
    return chunks;
  }

  function renderChunks(format: ExpositionFormat): Promise<Buffer[]> {
    const pending = inFlight.get(format);
    if (pending !== undefined) return pending;
    const next = renderNow(format).finally(() => inFlight.delete(format));
    inFlight.set(format, next);
    return next;
  }

  const render = async (format: ExpositionFormat): Promise<string> =>
    Buffer.concat(await renderChunks(format)).toString('utf8');

  const handler: EndpointHandler = (req, res) => {
    if (authorised !== undefined && !authorised(req)) return rejectUnauthorized(res, auth!);
    const format = formatFromAccept(req.headers.accept);
    renderChunks(format).then(
      (chunks) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', contentTypeOf(format));
        res.setHeader('Cache-Control', 'no-store');
        // Chunk by chunk: the socket copies each into its buffer; no 25 MB string is ever built.
        for (const chunk of chunks) if (chunk.length > 0) res.write(chunk);
        res.end();
      },
      (err: unknown) => {
        core.internalError('metrics', err);
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('metrics serialisation failed\n');
      },
    );
  };
  return {
    handler,
    render,
    useSource(next) {
      source = next;
    },
  };
}
