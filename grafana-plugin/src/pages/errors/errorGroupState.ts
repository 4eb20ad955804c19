// Mute / resolve state of error groups, shared by every user. Pure: the state is kept as Grafana
// annotations (errorGroupAnnotations.ts, errorGroupStore.ts), where file provisioning of the app
// cannot overwrite it; older versions kept it in the app's jsonData, read once for migration.

export interface MuteRecord {
  /** ISO time the group was muted. */
  at: string;
  by?: string;
  /** ISO time the mute ends; none = until unmuted. */
  until?: string;
}

export interface ResolveRecord {
  /** ISO time the group was marked resolved; events after it make the group a regression. */
  at: string;
  by?: string;
}

export interface ErrorGroupEntry {
  muted?: MuteRecord;
  resolved?: ResolveRecord;
}

export interface ErrorGroupsState {
  version: 1;
  /** By fingerprint. */
  groups: Record<string, ErrorGroupEntry>;
}

/** `open`: needs attention; `regressed`: resolved, then seen again; `muted`: hidden on purpose; `resolved`: fixed. */
export type ErrorGroupStatus = 'open' | 'regressed' | 'muted' | 'resolved';

export const EMPTY_ERROR_GROUPS: ErrorGroupsState = { version: 1, groups: {} };

function isoTime(value: unknown): string | undefined {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One group's entry from stored JSON, or undefined when it holds no valid decision. */
export function parseEntry(value: unknown): ErrorGroupEntry | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const v = value as { muted?: Record<string, unknown>; resolved?: Record<string, unknown> };
  const entry: ErrorGroupEntry = {};
  const mutedAt = isoTime(v.muted?.at);
  if (mutedAt) {
    entry.muted = { at: mutedAt, by: optionalString(v.muted?.by), until: isoTime(v.muted?.until) };
  }
  const resolvedAt = isoTime(v.resolved?.at);
  if (resolvedAt) {
    entry.resolved = { at: resolvedAt, by: optionalString(v.resolved?.by) };
  }
  return entry.muted || entry.resolved ? dropUndefined(entry) : undefined;
}

/**
 * The state as older versions kept it in jsonData, tolerant: anything malformed (hand-edited
 * provisioning, an older shape) is dropped entry by entry rather than breaking the page.
 */
export function parseErrorGroupsState(raw: unknown): ErrorGroupsState {
  const groups: Record<string, ErrorGroupEntry> = {};
  const source = (raw as { groups?: unknown } | null | undefined)?.groups;
  if (source === null || typeof source !== 'object' || Array.isArray(source)) {
    return { version: 1, groups };
  }
  for (const [fingerprint, value] of Object.entries(source as Record<string, unknown>)) {
    const entry = fingerprint === '' ? undefined : parseEntry(value);
    if (entry) {
      groups[fingerprint] = entry;
    }
  }
  return { version: 1, groups };
}

function dropUndefined(entry: ErrorGroupEntry): ErrorGroupEntry {
  return JSON.parse(JSON.stringify(entry)) as ErrorGroupEntry;
}

function withEntry(state: ErrorGroupsState, fingerprint: string, entry: ErrorGroupEntry): ErrorGroupsState {
  if (fingerprint === '') {
    throw new Error('error group: fingerprint must not be empty');
  }
  const groups = { ...state.groups };
  if (entry.muted || entry.resolved) {
    groups[fingerprint] = dropUndefined(entry);
  } else {
    delete groups[fingerprint];
  }
  return { version: 1, groups };
}

export function mute(
  state: ErrorGroupsState,
  fingerprint: string,
  now: Date,
  options: { by?: string; until?: Date } = {}
): ErrorGroupsState {
  if (options.until && options.until.getTime() <= now.getTime()) {
    throw new Error('mute: `until` must be in the future');
  }
  return withEntry(state, fingerprint, {
    ...state.groups[fingerprint],
    muted: { at: now.toISOString(), by: options.by, until: options.until?.toISOString() },
  });
}

export function unmute(state: ErrorGroupsState, fingerprint: string): ErrorGroupsState {
  const { muted: _muted, ...rest } = state.groups[fingerprint] ?? {};
  return withEntry(state, fingerprint, rest);
}

/** Marks the group fixed as of `now`: events after it make it a regression. Resolving again moves the mark. */
export function resolve(state: ErrorGroupsState, fingerprint: string, now: Date, by?: string): ErrorGroupsState {
  return withEntry(state, fingerprint, { ...state.groups[fingerprint], resolved: { at: now.toISOString(), by } });
}

/** Back to open (also how a regression is acknowledged without resolving it again). */
export function reopen(state: ErrorGroupsState, fingerprint: string): ErrorGroupsState {
  const { resolved: _resolved, ...rest } = state.groups[fingerprint] ?? {};
  return withEntry(state, fingerprint, rest);
}

/**
 * A group's status now. `lastSeenFrom` is the earliest time the group's latest event can have
 * happened (the start of the last step that counted one), so an event counted in a step that
 * began before the resolve never reads as a regression.
 */
export function classify(
  entry: ErrorGroupEntry | undefined,
  lastSeenFrom: number | undefined,
  now: number
): ErrorGroupStatus {
  if (entry?.resolved) {
    const resolvedAt = Date.parse(entry.resolved.at);
    return lastSeenFrom !== undefined && lastSeenFrom >= resolvedAt ? 'regressed' : 'resolved';
  }
  if (entry?.muted && (entry.muted.until === undefined || Date.parse(entry.muted.until) > now)) {
    return 'muted';
  }
  return 'open';
}

/** Order of the groups list: what needs attention first. */
export const STATUS_ORDER: Record<ErrorGroupStatus, number> = { regressed: 0, open: 1, muted: 2, resolved: 3 };
