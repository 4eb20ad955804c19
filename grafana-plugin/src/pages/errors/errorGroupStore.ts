// Reads and writes error-group decisions through Grafana's annotations API (see
// errorGroupAnnotations.ts for the format). No Grafana runtime import: the page passes
// getBackendSrv(), the tests a fake that behaves like Grafana, the stack e2e test a fetch client.
import {
  annotationForChange,
  changeOf,
  changesQuery,
  latestChanges,
  losers,
  type AnnotationItem,
  type StoredChange,
} from './errorGroupAnnotations';
import { parseErrorGroupsState, type ErrorGroupEntry, type ErrorGroupsState } from './errorGroupState';

/** Where older versions kept the state (read-only now: file provisioning rewrites it on every start). */
export const LEGACY_SETTINGS_URL = '/api/plugins/pulseapm-pulse-app/settings';

/** Changes read per load; past this many (every group ever triaged, every change), the oldest drop off. */
export const LOAD_LIMIT = 5000;

/** The part of Grafana's BackendSrv used here. */
export interface AnnotationsBackend {
  get<T = unknown>(
    url: string,
    params?: undefined,
    requestId?: undefined,
    options?: { showErrorAlert?: boolean }
  ): Promise<T>;
  post<T = unknown>(url: string, data?: unknown, options?: { showErrorAlert?: boolean }): Promise<T>;
  delete<T = unknown>(url: string, data?: unknown, options?: { showErrorAlert?: boolean }): Promise<T>;
}

/** Every group's decisions, and the change each was read from (what a new change is based on). */
export interface ErrorGroupsSnapshot {
  state: ErrorGroupsState;
  /** Annotation id of each group's current change; 0 (absent) when it has none yet. */
  revisions: Record<string, number>;
  /** Who made each group's current change, and when (for "resolved by … at …"). */
  changes: Record<string, { login?: string; time: number }>;
  /** More changes than LOAD_LIMIT exist: the oldest groups may show as open. */
  truncated: boolean;
}

/** Someone else changed the group since the state the change was based on. */
export class ErrorGroupConflict extends Error {
  constructor(
    readonly fingerprint: string,
    readonly current: StoredChange | undefined
  ) {
    super(
      `error group ${fingerprint} was changed${current?.login ? ` by ${current.login}` : ''} since this page read it`
    );
    this.name = 'ErrorGroupConflict';
  }
}

export interface ChangeOptions {
  /** The revision the user saw (ErrorGroupsSnapshot.revisions); 0 when the group had no change. */
  basedOn: number;
  service?: string;
  by?: string;
  now?: number;
}

export interface ErrorGroupsStore {
  load(): Promise<ErrorGroupsSnapshot>;
  /** Writes the group's new decisions if nobody changed it since `basedOn`; else ErrorGroupConflict. */
  change(fingerprint: string, entry: ErrorGroupEntry, options: ChangeOptions): Promise<StoredChange>;
  /** Every change of one group, newest first (its history). */
  history(fingerprint: string): Promise<StoredChange[]>;
}

const QUIET = { showErrorAlert: false };

export function annotationsStore(backend: () => AnnotationsBackend): ErrorGroupsStore {
  const groupItems = (fingerprint: string) =>
    backend().get<AnnotationItem[]>(changesQuery({ fingerprint, limit: LOAD_LIMIT }));

  /** Copies jsonData decisions of groups that have no change yet (once: afterwards they have one). */
  async function migrate(snapshot: ErrorGroupsSnapshot): Promise<void> {
    let legacy: ErrorGroupsState;
    try {
      const meta = await backend().get<{ jsonData?: { errorGroups?: unknown } | null }>(
        LEGACY_SETTINGS_URL,
        undefined,
        undefined,
        QUIET
      );
      legacy = parseErrorGroupsState(meta?.jsonData?.errorGroups);
    } catch {
      return; // Not readable by this user: nothing to migrate from here.
    }
    for (const [fingerprint, entry] of Object.entries(legacy.groups)) {
      if (snapshot.revisions[fingerprint] !== undefined) {
        continue;
      }
      // Shown at once; written when this user may create annotations (Viewers may not: silently skipped).
      snapshot.state.groups[fingerprint] = entry;
      try {
        const stored = await write(fingerprint, entry, { basedOn: 0, by: entry.resolved?.by ?? entry.muted?.by }, true);
        snapshot.revisions[fingerprint] = stored.id;
      } catch {
        /* kept in memory only */
      }
    }
  }

  async function write(
    fingerprint: string,
    entry: ErrorGroupEntry,
    options: ChangeOptions,
    migrated = false
  ): Promise<StoredChange> {
    const before = latestChanges(await groupItems(fingerprint)).get(fingerprint);
    if ((before?.id ?? 0) !== options.basedOn) {
      throw new ErrorGroupConflict(fingerprint, before);
    }
    const change = {
      pulse: 'error-group' as const,
      fingerprint,
      entry,
      basedOn: options.basedOn,
      service: options.service,
    };
    const now = options.now ?? Date.now();
    const body = annotationForChange(change, { now, by: options.by, migrated });
    const { id } = await backend().post<{ id: number }>('/api/annotations', body, QUIET);
    // Another change based on the same state may have been written between the check and the
    // post: the first written wins, the other takes its annotation back and reports the conflict.
    const after = (await groupItems(fingerprint)).map(changeOf).filter((c): c is StoredChange => c !== undefined);
    if (losers(after).has(id)) {
      await backend()
        .delete(`/api/annotations/${id}`, undefined, QUIET)
        .catch(() => undefined);
      const winners = after.filter((c) => c.id !== id);
      throw new ErrorGroupConflict(fingerprint, latestChanges(winners.map(asItem)).get(fingerprint));
    }
    return { ...change, id, time: now, login: after.find((c) => c.id === id)?.login };
  }

  return {
    async load() {
      const items = await backend().get<AnnotationItem[]>(changesQuery({ limit: LOAD_LIMIT }));
      const snapshot: ErrorGroupsSnapshot = {
        state: { version: 1, groups: {} },
        revisions: {},
        changes: {},
        truncated: items.length >= LOAD_LIMIT,
      };
      for (const [fingerprint, c] of latestChanges(items)) {
        snapshot.revisions[fingerprint] = c.id;
        snapshot.changes[fingerprint] = { login: c.login, time: c.time };
        if (c.entry.muted || c.entry.resolved) {
          snapshot.state.groups[fingerprint] = c.entry;
        }
      }
      await migrate(snapshot);
      return snapshot;
    },
    change: (fingerprint, entry, options) => write(fingerprint, entry, options),
    async history(fingerprint) {
      const changes = (await groupItems(fingerprint)).map(changeOf).filter((c): c is StoredChange => !!c);
      const lost = losers(changes);
      return changes.filter((c) => !lost.has(c.id)).sort((a, b) => b.id - a.id);
    },
  };
}

function asItem(c: StoredChange): AnnotationItem {
  return { id: c.id, time: c.time, login: c.login, data: c };
}
