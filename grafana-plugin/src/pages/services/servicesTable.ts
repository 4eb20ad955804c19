// The services table: one row per service from the table queries' frames, joined with the firing
// alert counts. Built here rather than with Grafana's merge/organize so that a healthy service
// shows 0 % errors and 0 alerts, never an empty cell.
import { FieldType, type DataFrame, type Field } from '@grafana/data';
import type { CustomTransformOperator } from '@grafana/scenes';
import { catchError, from, map, of, switchMap } from 'rxjs';
import { LABELS } from '../../queries/labels';
import { SERVICE_REFS } from '../../queries/services';
import { rowsOf } from '../../scenes/instantRows';
import { fetchAlertInstances, firingAlertsByService, type AlertInstance } from './firingAlerts';

/** Column names (the panel's overrides match them). */
export const SERVICE_COLUMNS = {
  service: 'Service',
  rate: 'Requests/s',
  errors: 'Error ratio',
  p95: 'p95',
  health: 'Health',
  instances: 'Instances',
  /** Workers of clustered instances (node:cluster, PM2) each count; equal to Instances without clusters. */
  processes: 'Processes',
  alerts: 'Firing alerts',
} as const;

export interface ServiceRow {
  service: string;
  rate: number;
  errorRatio: number;
  p95: number;
  health: number;
  instances: number;
  processes: number;
  /** null when Grafana's alert state could not be read (not "no alerts"). */
  alerts: number | null;
}

/** Rows of the table, by service name; `alerts` undefined = the alert state could not be read. */
export function serviceRows(frames: DataFrame[], alerts: Map<string, number> | undefined): ServiceRow[] {
  const stat = (refId: string) =>
    new Map(rowsOf(frames, refId).flatMap((r) => (r.labels[LABELS.job] ? [[r.labels[LABELS.job]!, r.value]] : [])));
  const rate = stat(SERVICE_REFS.rate);
  const errors = stat(SERVICE_REFS.errors);
  const p95 = stat(SERVICE_REFS.p95);
  const health = stat(SERVICE_REFS.health);
  const instances = stat(SERVICE_REFS.instances);
  const processes = stat(SERVICE_REFS.processes);
  const names = new Set([...rate.keys(), ...errors.keys(), ...p95.keys(), ...health.keys(), ...instances.keys()]);
  return [...names].sort().map((service) => {
    const r = rate.get(service) ?? 0;
    const e = errors.get(service);
    return {
      service,
      rate: r,
      // Requests and no 5xx among them is 0 %; no requests at all has no ratio.
      errorRatio: e !== undefined && Number.isFinite(e) ? e : r > 0 ? 0 : NaN,
      p95: p95.get(service) ?? NaN,
      health: health.get(service) ?? NaN,
      instances: instances.get(service) ?? 0,
      processes: processes.get(service) ?? 0,
      alerts: alerts === undefined ? null : (alerts.get(service) ?? 0),
    };
  });
}

function field(name: string, type: FieldType, values: unknown[]): Field {
  return { name, type, values, config: {} };
}

export function servicesTableFrame(frames: DataFrame[], alerts: Map<string, number> | undefined): DataFrame {
  const rows = serviceRows(frames, alerts);
  const C = SERVICE_COLUMNS;
  return {
    refId: 'services',
    length: rows.length,
    fields: [
      field(
        C.service,
        FieldType.string,
        rows.map((r) => r.service)
      ),
      field(
        C.rate,
        FieldType.number,
        rows.map((r) => r.rate)
      ),
      field(
        C.errors,
        FieldType.number,
        rows.map((r) => r.errorRatio)
      ),
      field(
        C.p95,
        FieldType.number,
        rows.map((r) => r.p95)
      ),
      field(
        C.health,
        FieldType.number,
        rows.map((r) => r.health)
      ),
      field(
        C.instances,
        FieldType.number,
        rows.map((r) => r.instances)
      ),
      field(
        C.processes,
        FieldType.number,
        rows.map((r) => r.processes)
      ),
      field(
        C.alerts,
        FieldType.number,
        rows.map((r) => r.alerts)
      ),
    ],
  };
}

/**
 * The table transformation: each time the queries answer, Grafana's alert state is read too and
 * joined in. `loadAlerts` is injectable for tests; a failure leaves the alert column empty.
 */
export function servicesTableTransform(
  loadAlerts: () => Promise<AlertInstance[]> = fetchAlertInstances
): CustomTransformOperator {
  return () => (source) =>
    source.pipe(
      switchMap((frames) =>
        from(loadAlerts()).pipe(
          map((alerts): Map<string, number> | undefined => firingAlertsByService(alerts)),
          catchError(() => of(undefined)),
          map((counts) => [servicesTableFrame(frames, counts)])
        )
      )
    );
}
