import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';
import type { DbOptions, ResolvedDbOptions } from '../db/options';
import { dbOptionsSchema, resolveDbOptions } from '../db/options';
import type { RuntimeOptions, ResolvedRuntimeOptions } from '../runtime/options';
import { runtimeOptionsSchema, resolveRuntimeOptions } from '../runtime/options';
import type { DepsOptions, ResolvedDepsOptions } from '../deps/options';
import { depsOptionsSchema, resolveDepsOptions } from '../deps/options';
import type { HealthOptions, ResolvedHealthOptions } from '../health/options';
import { healthOptionsSchema, resolveHealthOptions } from '../health/options';
import type { LogsOptions, ResolvedLogsOptions } from '../logs/options';
import { logsOptionsSchema, resolveLogsOptions } from '../logs/options';
import type { ErrorsOptions, ResolvedErrorsOptions } from '../errors/options';
import { errorsOptionsSchema, resolveErrorsOptions } from '../errors/options';
import type { ClusterOptions, ResolvedClusterOptions } from '../cluster/options';
import { clusterOptionsSchema, resolveClusterOptions } from '../cluster/options';
import { DEFAULT_MAX_SERIES_PER_METRIC } from '../metrics/registry';
import { anyOf, arrayOf, bool, fn, instance, literal, num, object, recordOf, str } from './schema';
import { resolveServiceVersion, serviceVersionCheck } from './service-version';

/** Everything createPulse() accepts. Only `serviceName` is required. */
export interface PulseOptions {
  /** Becomes `service_name` in logs and the build-info metric; name the service, not the host. */
  serviceName: string;
  /** Deployment environment (`production`, `staging`); defaults to NODE_ENV or `development`. */
  env?: string;
  /**
   * The running version (`1.4.2`, a git sha), on lifecycle events (deploy markers) and
   * pulse_runtime_info; defaults to SERVICE_VERSION, else the `version` of the app's package.json.
   */
  serviceVersion?: string;
  http?: HttpOptions;
  metrics?: MetricsOptions;
  db?: DbOptions;
  runtime?: RuntimeOptions;
  deps?: DepsOptions;
  health?: HealthOptions;
  logs?: LogsOptions;
  errors?: ErrorsOptions;
  /** Several processes per host (node:cluster, PM2 cluster mode): one scrape answers for all. */
  cluster?: ClusterOptions;
}

export interface HttpOptions {
  /** Paths (globs: `*` within a segment, `**` across) whose requests are not measured. Pulse's own endpoints always are excluded. */
  excludePaths?: string[];
  /** Response header carrying the request's trace id; `false` to send none. Default `x-trace-id`. */
  traceIdHeader?: string | false;
  /**
   * Overrides the route label. Return a template (`/users/:id`), never a raw path: whatever it
   * returns is capped by the series limit, but raw paths would fill it with noise.
   */
  routeName?: (req: IncomingMessage) => string | undefined;
  /** The `express` module, when Pulse cannot find the app's copy by itself (unusual layouts). */
  express?: unknown;
}

export interface MetricsOptions {
  /** Path `pulse.mount(app)` serves metrics on. Default `/metrics`. */
  path?: string;
  /** Protects the metrics endpoint. */
  auth?: { bearerToken: string } | { username: string; password: string };
  /** prom-client registry whose metrics are served too; default prom-client's global `register`. */
  registry?: Registry;
  /** prom-client's collectDefaultMetrics() into that registry. Default true. */
  defaultMetrics?: boolean;
  /** Series cap per metric (default 2000); label sets beyond it fold into `_overflow`. */
  maxSeriesPerMetric?: number;
  /** Per-metric caps by metric name. */
  seriesLimits?: Record<string, number>;
  /** Trace-id exemplars on duration histograms (OpenMetrics scrapes). Default true. */
  exemplars?: boolean;
}

const headerName = str({ pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, accepts: 'an HTTP header name' });
const path = str({ pattern: /^\/[^?#\s]*$/, accepts: 'a path starting with "/"' });
const secret = str({ minLength: 1, accepts: 'a non-empty string' });

const schema = object(
  {
    serviceName: str({
      pattern: /^[A-Za-z0-9_.:-]{1,128}$/,
      accepts: 'a service name of 1–128 letters, digits, "_", ".", ":" or "-"',
    }),
    env: str({ minLength: 1 }),
    serviceVersion: serviceVersionCheck,
    http: object({
      excludePaths: arrayOf(path, { maxLength: 1000 }),
      traceIdHeader: anyOf(headerName, literal(false)),
      routeName: fn('a function (req) => route template'),
      express: instance('the express module'),
    }),
    metrics: object({
      path,
      auth: anyOf(
        object({ bearerToken: secret }, { required: ['bearerToken'] }),
        object({ username: secret, password: secret }, { required: ['username', 'password'] }),
      ),
      registry: instance('a prom-client Registry', 'registerMetric'),
      defaultMetrics: bool(),
      maxSeriesPerMetric: num({ min: 1, max: 1_000_000, integer: true }),
      seriesLimits: recordOf(num({ min: 1, max: 1_000_000, integer: true })),
      exemplars: bool(),
    }),
    db: dbOptionsSchema,
    runtime: runtimeOptionsSchema,
    deps: depsOptionsSchema,
    health: healthOptionsSchema,
    logs: logsOptionsSchema,
    errors: errorsOptionsSchema,
    cluster: clusterOptionsSchema,
  },
  { required: ['serviceName'] },
);

/** Options with every default filled in. */
export interface ResolvedOptions {
  serviceName: string;
  env: string;
  /** Undefined when neither the option, SERVICE_VERSION nor the app's package.json gives one. */
  serviceVersion: string | undefined;
  http: {
    excludePaths: string[];
    traceIdHeader: string | false;
    routeName: ((req: IncomingMessage) => string | undefined) | undefined;
    express: unknown;
  };
  metrics: {
    path: string;
    auth: MetricsOptions['auth'];
    registry: Registry | undefined;
    defaultMetrics: boolean;
    maxSeriesPerMetric: number;
    seriesLimits: Record<string, number>;
    exemplars: boolean;
  };
  db: ResolvedDbOptions;
  runtime: ResolvedRuntimeOptions;
  deps: ResolvedDepsOptions;
  health: ResolvedHealthOptions;
  logs: ResolvedLogsOptions;
  errors: ResolvedErrorsOptions;
  cluster: ResolvedClusterOptions;
}

export function resolveOptions(input: unknown): ResolvedOptions {
  const o = schema.parse(input, '') as PulseOptions;
  return {
    serviceName: o.serviceName,
    env: o.env ?? process.env.NODE_ENV ?? 'development',
    serviceVersion: resolveServiceVersion(o.serviceVersion),
    http: {
      excludePaths: o.http?.excludePaths ?? [],
      traceIdHeader: o.http?.traceIdHeader ?? 'x-trace-id',
      routeName: o.http?.routeName,
      express: o.http?.express,
    },
    metrics: {
      path: o.metrics?.path ?? '/metrics',
      auth: o.metrics?.auth,
      registry: o.metrics?.registry,
      defaultMetrics: o.metrics?.defaultMetrics ?? true,
      maxSeriesPerMetric: o.metrics?.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC,
      seriesLimits: o.metrics?.seriesLimits ?? {},
      exemplars: o.metrics?.exemplars ?? true,
    },
    db: resolveDbOptions(o.db),
    runtime: resolveRuntimeOptions(o.runtime),
    deps: resolveDepsOptions(o.deps),
    health: resolveHealthOptions(o.health),
    logs: resolveLogsOptions(o.logs),
    errors: resolveErrorsOptions(o.errors),
    cluster: resolveClusterOptions(o.cluster),
  };
}
