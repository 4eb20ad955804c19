// Firing alerts per service, from Grafana Alerting's own state (Pulse's rules are Grafana-managed,
// so Prometheus has no ALERTS series). Every Pulse rule carries `service_name` and `job`.
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { LABELS } from '../../queries/labels';

/** One alert instance as Grafana's Prometheus-compatible endpoint lists it. */
export interface AlertInstance {
  labels: Record<string, string>;
  state: string;
}

/** Grafana's alert instances (alert.instances:read, which Viewers have). */
export const ALERTS_URL = '/api/prometheus/grafana/api/v1/alerts';
const SERVICE_LABEL = 'service_name';

/** Grafana names the state `Alerting` (rule state) or `firing` (Prometheus wording), by version. */
function isFiring(state: string): boolean {
  const s = state.toLowerCase();
  return s === 'firing' || s.startsWith('alerting');
}

/** Firing alert instances per service (`service_name`, else `job`). */
export function firingAlertsByService(alerts: AlertInstance[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const service = a.labels?.[SERVICE_LABEL] ?? a.labels?.[LABELS.job];
    if (service && typeof a.state === 'string' && isFiring(a.state)) {
      counts.set(service, (counts.get(service) ?? 0) + 1);
    }
  }
  return counts;
}

export async function fetchAlertInstances(): Promise<AlertInstance[]> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<{ data?: { alerts?: AlertInstance[] } }>({ url: ALERTS_URL, showErrorAlert: false })
  );
  return response.data?.data?.alerts ?? [];
}
