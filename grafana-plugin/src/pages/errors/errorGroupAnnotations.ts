// Error-group decisions as Grafana annotations: one organisation annotation per change, tagged so
// Grafana's annotations API can find every change of a group (`fp:<fingerprint>`) or of every
// group (`pulse-error-group`). Annotations live in Grafana's database, which file provisioning of
// the app never rewrites (it rewrites the app's whole jsonData on every start).
//
// Each change names the change it was based on (`basedOn`, an annotation id, 0 for none). Two
// changes based on the same one were made concurrently: the first written (lower id, Grafana's
// auto-increment) wins and the other is ignored, so nobody's decision is silently replaced by a
// change made without seeing it. The state of a group is its latest winning change (highest id:
// ids are assigned by the server, so browser clocks do not matter). Pure: errorGroupStore.ts does
// the I/O.
import { parseEntry, type ErrorGroupEntry } from './errorGroupState';

export const ERROR_GROUP_TAGS = {
  /** Every annotation the app writes. */
  app: 'pulse',
  /** Every error-group change. */
  errorGroup: 'pulse-error-group',
  /** Changes copied from the jsonData state of older versions. */
  migrated: 'pulse-migrated',
} as const;

/** Grafana stores `key:value` tags as a pair and matches both parts. */
export const fingerprintTag = (fingerprint: string) => `fp:${fingerprint}`;
export const serviceTag = (service: string) => `service:${service}`;
export const stateTag = (entry: ErrorGroupEntry) =>
  `state:${entry.resolved ? 'resolved' : entry.muted ? 'muted' : 'open'}`;

/** Grafana refuses tags longer than 500 characters in total (annotation_maximum_tags_length). */
const MAX_TAG_VALUE = 100;

/** The fields of Grafana's `GET /api/annotations` items used here. */
export interface AnnotationItem {
  id: number;
  time: number;
  tags?: string[] | null;
  text?: string;
  data?: unknown;
  /** Login of the user who created it (set by Grafana, not by the client). */
  login?: string;
}

/** What the app stores in an annotation's `data`. */
export interface ErrorGroupChange {
  pulse: 'error-group';
  fingerprint: string;
  /** The group's decisions after the change (empty: open again). */
  entry: ErrorGroupEntry;
  /** Id of the change this one was based on; 0 when the group had none. */
  basedOn: number;
  service?: string;
}

/** A change as read back: its annotation id and who made it. */
export interface StoredChange extends ErrorGroupChange {
  id: number;
  time: number;
  login?: string;
}

/** The body of `POST /api/annotations` for a change (an organisation annotation: no dashboard). */
export function annotationForChange(
  change: ErrorGroupChange,
  options: { now: number; by?: string; migrated?: boolean }
): { time: number; tags: string[]; text: string; data: ErrorGroupChange } {
  if (change.fingerprint === '') {
    throw new Error('error group change: fingerprint must not be empty');
  }
  const tags: string[] = [ERROR_GROUP_TAGS.app, ERROR_GROUP_TAGS.errorGroup, fingerprintTag(change.fingerprint)];
  if (change.service) {
    tags.push(serviceTag(change.service.slice(0, MAX_TAG_VALUE)));
  }
  tags.push(stateTag(change.entry));
  if (options.migrated) {
    tags.push(ERROR_GROUP_TAGS.migrated);
  }
  return { time: options.now, tags, text: describeChange(change, options.by), data: change };
}

/** The annotation's text, as Grafana shows it on a graph or in the annotations list. */
export function describeChange(change: ErrorGroupChange, by?: string): string {
  const what = change.entry.resolved
    ? 'resolved'
    : change.entry.muted
      ? change.entry.muted.until
        ? `muted until ${change.entry.muted.until}`
        : 'muted'
      : 'reopened';
  return `Error group ${change.fingerprint} ${what}${by ? ` by ${by}` : ''}`;
}

/** The change an annotation holds, or undefined when it is not a well-formed error-group change. */
export function changeOf(item: AnnotationItem): StoredChange | undefined {
  const data = item.data as Partial<ErrorGroupChange> | null | undefined;
  if (
    !data ||
    data.pulse !== 'error-group' ||
    typeof data.fingerprint !== 'string' ||
    data.fingerprint === '' ||
    !Number.isSafeInteger(item.id) ||
    !Number.isSafeInteger(data.basedOn) ||
    (data.basedOn as number) < 0
  ) {
    return undefined;
  }
  return {
    pulse: 'error-group',
    fingerprint: data.fingerprint,
    entry: parseEntry(data.entry) ?? {},
    basedOn: data.basedOn as number,
    service: typeof data.service === 'string' ? data.service : undefined,
    id: item.id,
    time: item.time,
    login: item.login || undefined,
  };
}

/** Changes that lost a race: another change based on the same one was written first (lower id). */
export function losers(changes: StoredChange[]): Set<number> {
  const firstByBase = new Map<string, number>();
  for (const c of changes) {
    const key = `${c.fingerprint}\u0000${c.basedOn}`;
    firstByBase.set(key, Math.min(firstByBase.get(key) ?? Infinity, c.id));
  }
  const lost = new Set<number>();
  for (const c of changes) {
    if (firstByBase.get(`${c.fingerprint}\u0000${c.basedOn}`) !== c.id) {
      lost.add(c.id);
    }
  }
  return lost;
}

/** Each group's current change: its latest (highest id) change that did not lose a race. */
export function latestChanges(items: AnnotationItem[]): Map<string, StoredChange> {
  const changes = items.map(changeOf).filter((c): c is StoredChange => c !== undefined);
  const lost = losers(changes);
  const latest = new Map<string, StoredChange>();
  for (const c of changes) {
    const current = latest.get(c.fingerprint);
    if (!lost.has(c.id) && (!current || c.id > current.id)) {
      latest.set(c.fingerprint, c);
    }
  }
  return latest;
}

/** `GET /api/annotations` for error-group changes (all, or one group's), newest first. */
export function changesQuery(options: { fingerprint?: string; limit: number }): string {
  const params = new URLSearchParams({ type: 'annotation', matchAny: 'false', limit: String(options.limit) });
  params.append('tags', ERROR_GROUP_TAGS.errorGroup);
  if (options.fingerprint !== undefined) {
    params.append('tags', fingerprintTag(options.fingerprint));
  }
  return `/api/annotations?${params.toString()}`;
}
