// Errors: error groups (one per fingerprint) from Loki, filtered by type and route, and the
// exact error counts from Prometheus (`pulse_errors_total` counts throttled events too).
import { ERROR_TYPES, pulseErrors } from '@pulse-apm/exporter/catalog';
import {
  errorCountByFingerprint,
  errorEvents,
  LOG_METADATA,
  type ErrorFilter,
} from '@pulse-apm/exporter/queries/logql';
import { capturedErrorRate, selector, withMatchers, type Selector } from '@pulse-apm/exporter/queries/promql';
import { LABELS, legend } from './labels';
import { APP_BASE_URL } from './links';
import type { EmptyStateProbe, LabelValuesQuery, LokiTarget, PromTarget } from './types';
import { logScope, RATE_WINDOW, serviceSelector } from './variables';

/** The Errors page's own variables (in the URL as `var-type`, `var-route`). */
export const ERRORS_VAR = { type: 'type', route: 'route' } as const;

/** The error types a user can filter by: the catalog's closed set. */
export const ERROR_TYPE_OPTIONS: readonly string[] = ERROR_TYPES;

/** Grafana's step-sized window: each point of a range query counts the events of one step. */
export const STEP_WINDOW = '$__auto';

const typeRef = `$${ERRORS_VAR.type}`;
const routeRef = `$${ERRORS_VAR.route}`;

/** Routes that had errors for the selected service (the route filter's options). */
export const errorRouteVariableQuery: LabelValuesQuery = {
  seriesSelector: `${pulseErrors.name}${selector(serviceSelector)}`,
  label: LABELS.route,
};

/** Loki label filters of the selected type and route ("All" is `.*`, which also matches events without a route). */
export const errorFilter: ErrorFilter = { errorType: { regex: typeRef }, route: { regex: routeRef } };

/** `pulse_errors_total` of the selected service, type and route. */
export const errorMetricSelector: Selector = withMatchers(serviceSelector, {
  [LABELS.errorType]: { regex: typeRef },
  [LABELS.route]: { regex: routeRef },
});

/** refId of the error-groups query (the groups table reads its frames). */
export const GROUPS_REF = 'groups';

export const errorsQueries = {
  /**
   * Error events per fingerprint, type and route, one point per step: the groups table sums
   * them (count) and reads the first and last non-empty step (first and last seen).
   */
  groups: (): LokiTarget => ({
    refId: GROUPS_REF,
    expr: errorCountByFingerprint(logScope, STEP_WINDOW, errorFilter, [LOG_METADATA.route]),
    queryType: 'range',
  }),
  /** Errors per second by type (exact: counted before event throttling). */
  rateByType: (): PromTarget => ({
    refId: 'bytype',
    expr: capturedErrorRate({ selector: errorMetricSelector, window: RATE_WINDOW, by: [LABELS.errorType] }),
    legendFormat: legend(LABELS.errorType),
  }),
  rateByRoute: (): PromTarget => ({
    refId: 'byroute',
    expr: capturedErrorRate({ selector: errorMetricSelector, window: RATE_WINDOW, by: [LABELS.route] }),
    legendFormat: legend(LABELS.route),
  }),
  recentEvents: (): LokiTarget => ({ refId: 'events', expr: errorEvents(logScope, errorFilter), maxLines: 100 }),
};

/** The error detail page's queries, for one fingerprint. */
export function errorDetailQueries(fingerprint: string) {
  const filter: ErrorFilter = { fingerprint };
  return {
    /** Occurrences per step, by route. */
    occurrences: (): LokiTarget => ({
      refId: 'occurrences',
      expr: errorCountByFingerprint(logScope, STEP_WINDOW, filter, [LOG_METADATA.route]),
      legendFormat: legend(LOG_METADATA.route),
      queryType: 'range',
    }),
    /** The group's events, newest first: stack, request context (redacted), trace id. */
    events: (): LokiTarget => ({ refId: 'events', expr: errorEvents(logScope, filter), maxLines: 200 }),
  };
}

export const errorsProbe: EmptyStateProbe = {
  expr: `${pulseErrors.name}${selector(serviceSelector)}`,
  title: 'No errors recorded',
  hint: 'No error has been captured for this service yet. Errors are counted by `app.use(pulse.errorHandler())` after your routes, `pulse.captureException(err)` and uncaught exceptions; their events (stack, request) reach Loki when `logs: { loki: { url } }` is set in createPulse.',
};

/** Segment of the Errors page; an error group's detail lives below it at `errors/<fingerprint>`. */
export const ERRORS_PATH = 'errors';

/** `/a/pulseapm-pulse-app/errors/<fingerprint>` */
export function errorDetailPath(fingerprint: string): string {
  return `${APP_BASE_URL}/${ERRORS_PATH}/${encodeURIComponent(fingerprint)}`;
}

/** The fingerprint from the drill-down URL segment. */
export function fingerprintFromPathParam(param: string | undefined): string {
  const value = param === undefined ? '' : safeDecode(param).trim();
  if (value === '') {
    throw new Error('Error detail: the URL has no fingerprint segment (expected /errors/<fingerprint>)');
  }
  return value;
}

function safeDecode(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}
