// Reads and writes the shared mute/resolve state through Grafana's plugin settings API. Each
// change re-reads the settings first, so it applies to the latest state (another user's change
// since the page loaded is kept) and every other jsonData key is written back unchanged.
import { getBackendSrv } from '@grafana/runtime';
import { PLUGIN_ID } from '../../constants';
import type { PulseAppSettings } from '../../settings';
import { errorGroupsUpdate, parseErrorGroupsState, type ErrorGroupsState } from './errorGroupState';

export const PLUGIN_SETTINGS_URL = `/api/plugins/${PLUGIN_ID}/settings`;

interface PluginSettingsMeta {
  enabled?: boolean;
  pinned?: boolean;
  jsonData?: PulseAppSettings | null;
}

/** The part of Grafana's BackendSrv used here (tests pass a fake). */
export interface SettingsBackend {
  get<T = unknown>(url: string): Promise<T>;
  post<T = unknown>(url: string, data?: unknown): Promise<T>;
}

export interface ErrorGroupsStore {
  load(): Promise<ErrorGroupsState>;
  /** Applies `change` to the freshest state, saves it, and returns what was saved. */
  update(change: (state: ErrorGroupsState) => ErrorGroupsState): Promise<ErrorGroupsState>;
}

/** The store over Grafana's backend service (resolved when used: pages are built before Grafana's services in tests). */
export function errorGroupsStore(backend?: SettingsBackend): ErrorGroupsStore {
  const srv = (): SettingsBackend => backend ?? getBackendSrv();
  const read = () => srv().get<PluginSettingsMeta>(PLUGIN_SETTINGS_URL);
  return {
    async load() {
      return parseErrorGroupsState((await read()).jsonData?.errorGroups);
    },
    async update(change) {
      const meta = await read();
      const next = change(parseErrorGroupsState(meta.jsonData?.errorGroups));
      await srv().post(PLUGIN_SETTINGS_URL, errorGroupsUpdate(meta, next));
      return next;
    },
  };
}

/** What the page says when a save fails: Grafana answers 403 to users who are not org admins. */
export function describeSaveError(err: unknown): string {
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 403 || status === 401) {
    return 'Only Grafana organisation admins can mute or resolve error groups (the state is kept in the app settings).';
  }
  const message =
    (err as { data?: { message?: unknown }; message?: unknown } | null)?.data?.message ?? (err as Error)?.message;
  return `Could not save the error group state: ${typeof message === 'string' ? message : 'unknown error'}`;
}
