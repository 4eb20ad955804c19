import { catalog } from '@pulse-apm/exporter/catalog';
import { find, type Sample } from './metrics-text';

/**
 * Every signal the demo promises, as a check on one /metrics scrape: name → present. Shared by
 * the in-process and the `npm run demo` tests.
 */
export function demoSignals(samples: Sample[]): Record<string, boolean> {
  const count = (def: { name: string }) => `${def.name}_count`;
  const positive = (name: string, labels: Record<string, string> = {}) =>
    find(samples, name, labels).some((s) => s.value > 0);
  const health = (check: string) => find(samples, catalog.pulseHealthCheckStatus.name, { check }).length === 1;
  return {
    'http 2xx': positive(count(catalog.httpServerRequestDuration), { http_response_status_code: '200' }),
    'http 4xx (validation)': positive(count(catalog.httpServerRequestDuration), { http_response_status_code: '422' }),
    'http 5xx': positive(count(catalog.httpServerRequestDuration), { http_response_status_code: '500' }),
    'db operations': positive(count(catalog.dbClientOperationDuration), { db_system_name: 'postgresql' }),
    'db errors': find(samples, count(catalog.dbClientOperationDuration)).some(
      (s) => (s.labels.error_type ?? '') !== '' && s.value > 0,
    ),
    'db pool': find(samples, catalog.dbClientConnectionMax.name).length > 0,
    'N+1 on the feed': positive(catalog.pulseDbNPlusOne.name, { http_route: '/api/v1/posts/feed' }),
    'slow queries': positive(catalog.pulseDbSlowQueries.name),
    'payments calls': positive(count(catalog.httpClientRequestDuration), {
      dependency: 'payments',
      http_response_status_code: '201',
    }),
    'payments errors': positive(count(catalog.httpClientRequestDuration), {
      dependency: 'payments',
      error_type: '500',
    }),
    'payments timeouts': positive(count(catalog.httpClientRequestDuration), {
      dependency: 'payments',
      error_type: 'timeout',
    }),
    'health postgres': health('postgres'),
    'health payments': health('payments'),
    'health disk': health('disk'),
    'captured errors': positive(catalog.pulseErrors.name),
    runtime: find(samples, catalog.nodejsEventLoopUtilization.name).length > 0,
    'default metrics': find(samples, 'process_cpu_seconds_total').length > 0,
  };
}

export const missingSignals = (samples: Sample[]): string[] =>
  Object.entries(demoSignals(samples))
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
