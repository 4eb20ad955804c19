// The Errors page's store: error-group decisions as Grafana annotations, over Grafana's backend
// service (resolved when used: pages are built before Grafana's services exist in tests).
import { getBackendSrv } from '@grafana/runtime';
import {
  annotationsStore,
  ErrorGroupConflict,
  type AnnotationsBackend,
  type ErrorGroupsStore,
} from './errorGroupStore';

export type { ErrorGroupsStore } from './errorGroupStore';

export function errorGroupsStore(backend?: AnnotationsBackend): ErrorGroupsStore {
  return annotationsStore(() => backend ?? (getBackendSrv() as unknown as AnnotationsBackend));
}

/**
 * What the page says when a save fails. Creating organisation annotations takes Grafana's
 * `annotations:create` permission: Editors and Admins have it (fixed:annotations:writer), Viewers do not.
 */
export function describeSaveError(err: unknown): string {
  if (err instanceof ErrorGroupConflict) {
    return `Not saved: ${err.message}. The list now shows the current state; apply your change again if it still holds.`;
  }
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 403 || status === 401) {
    return 'Only Grafana Editors and Admins can mute or resolve error groups (each change is kept as a Grafana annotation, which Viewers may not create).';
  }
  const message =
    (err as { data?: { message?: unknown }; message?: unknown } | null)?.data?.message ?? (err as Error)?.message;
  return `Could not save the error group state: ${typeof message === 'string' ? message : 'unknown error'}`;
}
