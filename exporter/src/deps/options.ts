import { PulseConfigError } from '../config/errors';
import { anyOf, arrayOf, bool, object, recordOf, str } from '../config/schema';

// Options of the deps signal: `createPulse({ deps: { … } })`. Validated at createPulse().

export interface DepsOptions {
  /** Measures outgoing HTTP calls (node:http/https, fetch/undici). Default true. */
  enabled?: boolean;
  /**
   * Friendly dependency names by host: `{ 'api.stripe.com': 'stripe' }`. Keys are a host, a
   * `host:port`, or `*.example.com` (any subdomain). Unnamed hosts are named after the host
   * (plus `:port` when it is not the scheme's default).
   */
  names?: Record<string, string>;
  /** Hosts whose calls are not measured: same key forms as `names`. Pulse's own Loki is always excluded. */
  excludeHosts?: string[];
  /**
   * Adds a W3C `traceparent` to outgoing node:http/https and fetch/undici calls made on behalf
   * of a request, so a downstream service (with Pulse or any W3C tracer) continues the same
   * trace id. Default true; `{ excludeHosts: [...] }` (same key forms as `names`) keeps it off
   * calls to those hosts (third-party APIs). Pulse's own Loki never gets one.
   */
  propagateTraceContext?: boolean | { excludeHosts?: string[] };
}

const HOST_PATTERN = /^(\*\.)?([a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;
const hostPattern = str({ pattern: HOST_PATTERN, accepts: 'a host, "host:port" or "*.domain" (lower case)' });
const dependencyName = str({
  pattern: /^[A-Za-z0-9_.:/-]{1,64}$/,
  accepts: 'a dependency name of 1–64 letters, digits, "_", ".", ":", "/" or "-"',
});

export const depsOptionsSchema = object({
  enabled: bool(),
  names: recordOf(dependencyName),
  excludeHosts: arrayOf(hostPattern, { maxLength: 1000 }),
  propagateTraceContext: anyOf(bool(), object({ excludeHosts: arrayOf(hostPattern, { maxLength: 1000 }) })),
});

export interface ResolvedDepsOptions {
  enabled: boolean;
  names: Record<string, string>;
  excludeHosts: string[];
  /** Hosts that never get a `traceparent`; undefined when propagation is off. */
  propagateTraceContext: { excludeHosts: string[] } | undefined;
}

export function resolveDepsOptions(input: DepsOptions | undefined): ResolvedDepsOptions {
  const names = input?.names ?? {};
  for (const key of Object.keys(names)) {
    // recordOf checks values only; the keys are host patterns too.
    if (!HOST_PATTERN.test(key)) {
      throw new PulseConfigError(`deps.names.${key}`, 'keys are a host, "host:port" or "*.domain" (lower case)');
    }
  }
  const propagate = input?.propagateTraceContext ?? true;
  return {
    enabled: input?.enabled ?? true,
    names,
    excludeHosts: input?.excludeHosts ?? [],
    propagateTraceContext:
      propagate === false ? undefined : { excludeHosts: propagate === true ? [] : (propagate.excludeHosts ?? []) },
  };
}
