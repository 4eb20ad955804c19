import type { EndpointHandler } from '../core';
import { compileAuthCheck, hasCredentials, rejectUnauthorized } from '../endpoints/auth';
import type { ResolvedHealthOptions } from '../health/options';
import { isVerbose, send } from '../health/endpoints';
import { healthSummary } from '../health/report';
import type { HealthReport, HealthStatus } from '../health/types';

// GET /health under a cluster: the answering worker's report, its status the worst of every
// worker's, and `workers` listing each one (a worker that did not answer is listed too).

/** One worker's entry in `workers`. */
export interface WorkerHealth {
  worker: string;
  pid: number;
  report: HealthReport;
}

export interface MissingWorker {
  key: string;
  outcome: string;
}

export interface ClusterHealthSources {
  own(verbose: boolean): WorkerHealth;
  peers(verbose: boolean): Promise<{ answered: WorkerHealth[]; missing: MissingWorker[] }>;
}

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/** Same access rules as the single-process `/health` (details only with `health.auth` or `details: 'public'`). */
export function clusterHealthHandler(options: ResolvedHealthOptions, sources: ClusterHealthSources): EndpointHandler {
  const authorised = compileAuthCheck(options.auth);
  return (req, res) => {
    if (authorised !== undefined && hasCredentials(req) && !authorised(req))
      return rejectUnauthorized(res, options.auth!);
    const details = options.details === 'public' || (authorised !== undefined && authorised(req));
    const verbose = details && isVerbose(req);
    let own: WorkerHealth;
    try {
      own = sources.own(verbose);
    } catch {
      return send(res, 500, { status: 'error' });
    }
    sources.peers(verbose).then(
      ({ answered, missing }) => {
        const all = [own, ...answered].sort((a, b) => Number(a.worker) - Number(b.worker));
        let status: HealthStatus = 'healthy';
        for (const w of all) if (RANK[w.report.status] > RANK[status]) status = w.report.status;
        // A worker that cannot say how it is is not healthy.
        if (missing.length > 0 && status === 'healthy') status = 'degraded';
        const workers = all.map((w) => ({
          worker: w.worker,
          pid: w.pid,
          ...(details ? w.report : healthSummary(w.report)),
        }));
        const code = status === 'degraded' ? options.degradedStatusCode : status === 'healthy' ? 200 : 503;
        const top = details ? { ...own.report, status } : { ...healthSummary(own.report), status };
        send(res, code, { ...top, workers, ...(missing.length > 0 && { missingWorkers: missing }) });
      },
      () => {
        if (!res.headersSent) send(res, 500, { status: 'error' });
      },
    );
  };
}
