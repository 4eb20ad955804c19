import { DEPENDENCY_TYPE_HTTP, httpClientRequestDuration, pulseDependencyDuration } from '../catalog/deps';
import type { PulseCore } from '../core';
import type { Histogram, HistogramSeries } from '../metrics/histogram';
import { isExcludedAtRuntime, runtimeExclusionsVersion } from './exclusions';
import type { HostMatcher } from './host-patterns';
import { compileHostPatterns, defaultPort, hostWithPort, parseHostOrUrl } from './host-patterns';

/** One server an app calls, resolved once: labels, name, exclusion and its cached series. */
export interface Origin {
  readonly address: string;
  readonly port: string;
  readonly dependency: string;
  readonly excluded: boolean;
  /** Series pairs by `method \0 status \0 error_type`; a few dozen per origin at most. */
  readonly outcomes: Map<string, OutcomeSeries>;
}

interface OutcomeSeries {
  http: HistogramSeries;
  dependency: HistogramSeries;
}

/** Origins cached; past this many (an app calling unbounded hosts) they are resolved per call. */
const MAX_CACHED_ORIGINS = 1000;
/** Tracked-dependency label sets cached. */
const MAX_CACHED_TRACKED = 1000;

/**
 * Records dependency calls into both histograms: `http_client_request_duration_seconds` (HTTP
 * only, OTel labels) and `pulse_dependency_duration_seconds` (every dependency, by name), which
 * the Dependencies views query. Label resolution is cached per origin, so a call costs two
 * map lookups and two observations.
 */
export class DependencyRecorder {
  private readonly httpDuration: Histogram;
  private readonly dependencyDuration: Histogram;
  private readonly origins = new Map<string, Origin>();
  private readonly tracked = new Map<string, HistogramSeries>();
  private readonly nameOf: HostMatcher<string>;
  private readonly isExcluded: HostMatcher<true>;
  private readonly exemplars: boolean;
  private readonly timeOrigin = performance.timeOrigin;
  private exclusionsVersion = runtimeExclusionsVersion();

  constructor(core: PulseCore, extraExcludedHosts: readonly string[] = []) {
    const { names, excludeHosts } = core.options.deps;
    this.httpDuration = core.metrics.histogram(httpClientRequestDuration);
    this.dependencyDuration = core.metrics.histogram(pulseDependencyDuration);
    this.nameOf = compileHostPatterns(Object.entries(names));
    const excluded: [string, true][] = excludeHosts.map((h) => [h, true]);
    for (const hostOrUrl of extraExcludedHosts) {
      const parsed = parseHostOrUrl(hostOrUrl);
      if (parsed !== undefined)
        excluded.push([parsed.port === '' ? parsed.host : hostWithPort(parsed.host, parsed.port), true]);
    }
    this.isExcluded = compileHostPatterns(excluded);
    this.exemplars = core.options.metrics.exemplars;
  }

  /** The origin for a call; `port` '' means the protocol's default. */
  origin(protocol: string, host: string, port: string): Origin {
    const version = runtimeExclusionsVersion();
    if (version !== this.exclusionsVersion) {
      this.exclusionsVersion = version;
      this.origins.clear();
    }
    const key = protocol + '//' + host + ':' + port;
    const cached = this.origins.get(key);
    if (cached !== undefined) return cached;
    const resolved = this.resolveOrigin(protocol, host, port);
    if (this.origins.size < MAX_CACHED_ORIGINS) this.origins.set(key, resolved);
    return resolved;
  }

  recordHttp(
    origin: Origin,
    method: string,
    status: string,
    errorType: string,
    seconds: number,
    traceId?: string,
  ): void {
    const key = method + '\u0000' + status + '\u0000' + errorType;
    let pair = origin.outcomes.get(key);
    if (pair === undefined) {
      pair = {
        http: this.httpDuration.seriesFor([method, origin.address, origin.port, status, errorType, origin.dependency]),
        dependency: this.dependencyDuration.seriesFor([origin.dependency, DEPENDENCY_TYPE_HTTP, errorType]),
      };
      // Overflow series are not cached, so each later use still counts as dropped.
      if (!this.httpDuration.isOverflow(pair.http) && !this.dependencyDuration.isOverflow(pair.dependency)) {
        origin.outcomes.set(key, pair);
      }
    }
    this.observe(pair.http, seconds, traceId);
    this.observe(pair.dependency, seconds, traceId);
  }

  recordTracked(name: string, type: string, errorType: string, seconds: number, traceId?: string): void {
    const key = name + '\u0000' + type + '\u0000' + errorType;
    let series = this.tracked.get(key);
    if (series === undefined) {
      series = this.dependencyDuration.seriesFor([name, type, errorType]);
      if (!this.dependencyDuration.isOverflow(series) && this.tracked.size < MAX_CACHED_TRACKED) {
        this.tracked.set(key, series);
      }
    }
    this.observe(series, seconds, traceId);
  }

  private observe(series: HistogramSeries, seconds: number, traceId: string | undefined): void {
    if (this.exemplars && traceId !== undefined) {
      series.observeWithExemplar(seconds, traceId, this.timeOrigin + performance.now());
    } else {
      series.observe(seconds);
    }
  }

  private resolveOrigin(protocol: string, rawHost: string, rawPort: string): Origin {
    const host = rawHost.toLowerCase();
    const isDefaultPort = rawPort === '' || rawPort === defaultPort(protocol);
    const port = rawPort === '' ? defaultPort(protocol) : rawPort;
    const named = this.nameOf(host, port);
    return {
      address: host,
      port,
      dependency: named ?? (isDefaultPort ? host : hostWithPort(host, port)),
      excluded: this.isExcluded(host, port) === true || isExcludedAtRuntime(host, port),
      outcomes: new Map(),
    };
  }
}
