// Grafana data sources for the compose stack, with the links between signals: an exemplar on a
// latency graph opens that request's events in Loki, and a trace id on a log line opens every
// line of the same trace. The LogQL behind both links comes from the shared query module.
import { DATASOURCE_UIDS } from './names';
import { logql } from './queries';

/** Compose service URLs, as Grafana (inside the compose network) reaches them. */
export const BACKEND_URLS = { prometheus: 'http://prometheus:9090', loki: 'http://loki:3100' } as const;

/** The `scale` compose profile's metrics store: vmselect's Prometheus API for tenant 0 (docs/scaling.md). */
export const SCALE_PROMETHEUS_URL = 'http://vmselect:8481/select/0/prometheus';

/** Grafana link variables: the clicked value and the panel's time range. */
const LINK_VARS = { value: '${__value.raw}', from: '${__from}', to: '${__to}' } as const;

/** Every line of one trace, whatever service wrote it. */
export function traceQuery(traceId: string): string {
  return logql.traceLogs({ service: { regex: '.+' } }, traceId);
}

/**
 * An Explore URL running `query` on Loki. Grafana substitutes `${…}` link variables in the URL
 * text, so they stay unencoded while the rest of the pane state is URL-encoded.
 */
export function exploreLokiUrl(query: string, from: string, to: string): string {
  const pane = {
    pulse: {
      datasource: DATASOURCE_UIDS.loki,
      queries: [
        { refId: 'A', datasource: { type: 'loki', uid: DATASOURCE_UIDS.loki }, expr: query, queryType: 'range' },
      ],
      range: { from, to },
    },
  };
  const keep = Object.values(LINK_VARS);
  const encoded = JSON.stringify(pane)
    .split(new RegExp(`(${keep.map((v) => v.replace(/[$^{}.]/g, '\\$&')).join('|')})`))
    .map((part) => (keep.includes(part as (typeof keep)[number]) ? part : encodeURIComponent(part)))
    .join('');
  return `/explore?schemaVersion=1&orgId=1&panes=${encoded}`;
}

/**
 * Grafana expands `$VAR` / `${VAR}` from the environment in every string of a provisioning file
 * (`${__value.raw}` would become ''); `$$` is its escape for a literal `$`.
 */
export function escapeEnvExpansion<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as T;
  if (Array.isArray(value)) return value.map(escapeEnvExpansion) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeEnvExpansion(v)])) as T;
  }
  return value;
}

/** `prometheusUrl`: where the `prometheus` uid points (the scale profile's Grafana: vmselect). */
export function datasourcesFile(prometheusUrl: string = BACKEND_URLS.prometheus) {
  return escapeEnvExpansion({
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCE_UIDS.prometheus,
        type: 'prometheus',
        access: 'proxy',
        url: prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          prometheusType: 'Prometheus',
          // The compose scrape interval: Grafana's $__rate_interval is at least four of them.
          timeInterval: '15s',
          // The Prometheus mirror of the alert rules stays in Prometheus; Grafana Alerting owns notifications.
          manageAlerts: false,
          exemplarTraceIdDestinations: [
            {
              name: logql.LOG_METADATA.traceId,
              urlDisplayLabel: 'Events of this request (Loki)',
              url: exploreLokiUrl(traceQuery(LINK_VARS.value), LINK_VARS.from, LINK_VARS.to),
            },
          ],
        },
      },
      {
        name: 'Loki',
        uid: DATASOURCE_UIDS.loki,
        type: 'loki',
        access: 'proxy',
        url: BACKEND_URLS.loki,
        editable: false,
        jsonData: {
          maxLines: 1000,
          derivedFields: [
            {
              // Pulse writes the trace id as structured metadata (and in the JSON line); Grafana
              // shows structured metadata as labels, so a label matcher picks it up.
              name: logql.LOG_METADATA.traceId,
              matcherType: 'label',
              matcherRegex: logql.LOG_METADATA.traceId,
              datasourceUid: DATASOURCE_UIDS.loki,
              url: traceQuery(LINK_VARS.value),
              urlDisplayLabel: 'All lines of this trace',
            },
          ],
        },
      },
    ],
  });
}
