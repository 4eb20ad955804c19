// The app's settings (plugin jsonData), saved through Grafana's plugin settings API by the
// config page and provisioned by provisioning/plugins/*.yaml. The uids default to the data
// sources Pulse provisions, so a fresh install works without visiting the config page.

export interface PulseAppSettings {
  /** Uid of the Prometheus data source that scrapes the Pulse exporters. */
  prometheusUid?: string;
  /** Uid of the Loki data source that receives Pulse events. */
  lokiUid?: string;
  /** Error-group state (mute/resolve) of older versions: read once by the Errors page, which now keeps it in annotations. */
  errorGroups?: unknown;
}

export interface ResolvedSettings {
  prometheusUid: string;
  lokiUid: string;
}

export const DEFAULT_SETTINGS: ResolvedSettings = { prometheusUid: 'prometheus', lokiUid: 'loki' };

/** Settings with the defaults filled in; blank strings count as unset. */
export function resolveSettings(jsonData: PulseAppSettings | undefined | null): ResolvedSettings {
  return {
    prometheusUid: nonBlank(jsonData?.prometheusUid) ?? DEFAULT_SETTINGS.prometheusUid,
    lokiUid: nonBlank(jsonData?.lokiUid) ?? DEFAULT_SETTINGS.lokiUid,
  };
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** The body of `POST /api/plugins/<id>/settings` that stores the picked uids and keeps everything else. */
export function settingsUpdate(
  meta: { enabled?: boolean; pinned?: boolean; jsonData?: PulseAppSettings },
  picked: ResolvedSettings
): { enabled: boolean; pinned: boolean; jsonData: PulseAppSettings } {
  return {
    enabled: meta.enabled ?? true,
    pinned: meta.pinned ?? true,
    jsonData: { ...(meta.jsonData ?? {}), prometheusUid: picked.prometheusUid, lokiUid: picked.lokiUid },
  };
}
