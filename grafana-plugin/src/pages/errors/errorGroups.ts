// Error groups from Loki frames: counts per step (fingerprint, type, route) become one row per
// fingerprint with count, first and last seen; error event lines give each group its message and
// the detail page its latest occurrence. Pure: frames in, plain objects out.
import { FieldType, type DataFrame, type Field } from '@grafana/data';
import { LOG_METADATA } from '@pulse-apm/exporter/queries/logql';
import { classify, STATUS_ORDER, type ErrorGroupsState, type ErrorGroupStatus } from './errorGroupState';

export interface ErrorGroup {
  fingerprint: string;
  /** Every error type seen for the group (normally one). */
  errorTypes: string[];
  routes: string[];
  count: number;
  /** Epoch ms of the first step that counted an event (its end). */
  firstSeen: number;
  /** Epoch ms of the last step that counted an event (its end), and of that step's start. */
  lastSeen: number;
  lastSeenFrom: number;
}

export interface ClassifiedErrorGroup extends ErrorGroup {
  status: ErrorGroupStatus;
}

function timeField(frame: DataFrame): Field | undefined {
  return frame.fields.find((f) => f.type === FieldType.time);
}

/** The step of a range query's frame: Grafana's `config.interval`, else the smallest gap between points. */
export function stepOf(time: Field): number {
  if (typeof time.config.interval === 'number' && time.config.interval > 0) {
    return time.config.interval;
  }
  let step = Infinity;
  for (let i = 1; i < time.values.length; i++) {
    const gap = Number(time.values[i]) - Number(time.values[i - 1]);
    if (gap > 0 && gap < step) {
      step = gap;
    }
  }
  return Number.isFinite(step) ? step : 0;
}

/** One group per fingerprint from `sum by (fingerprint, error_type, http_route) (count_over_time(…))` range frames. */
export function errorGroupsFromFrames(frames: DataFrame[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup & { types: Set<string>; routeSet: Set<string> }>();
  for (const frame of frames) {
    const time = timeField(frame);
    if (!time) {
      continue;
    }
    const step = stepOf(time);
    for (const f of frame.fields) {
      const fingerprint = f.labels?.[LOG_METADATA.fingerprint];
      if (f.type !== FieldType.number || !fingerprint) {
        continue;
      }
      let g = groups.get(fingerprint);
      for (let i = 0; i < f.values.length; i++) {
        const n = Number(f.values[i]);
        if (!(n > 0)) {
          continue;
        }
        const t = Number(time.values[i]);
        if (!g) {
          g = {
            fingerprint,
            errorTypes: [],
            routes: [],
            count: 0,
            firstSeen: t,
            lastSeen: t,
            lastSeenFrom: t - step,
            types: new Set(),
            routeSet: new Set(),
          };
          groups.set(fingerprint, g);
        }
        g.count += n;
        g.firstSeen = Math.min(g.firstSeen, t);
        if (t >= g.lastSeen) {
          g.lastSeen = t;
          g.lastSeenFrom = t - step;
        }
        const type = f.labels?.[LOG_METADATA.errorType];
        const route = f.labels?.[LOG_METADATA.route];
        if (type) {
          g.types.add(type);
        }
        if (route) {
          g.routeSet.add(route);
        }
      }
    }
  }
  return [...groups.values()].map(({ types, routeSet, ...g }) => ({
    ...g,
    errorTypes: [...types].sort(),
    routes: [...routeSet].sort(),
  }));
}

/** Groups with their mute/resolve status, what needs attention first, then by count. */
export function classifyGroups(groups: ErrorGroup[], state: ErrorGroupsState, now: number): ClassifiedErrorGroup[] {
  return groups
    .map((g) => ({ ...g, status: classify(state.groups[g.fingerprint], g.lastSeenFrom, now) }))
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        b.count - a.count ||
        a.fingerprint.localeCompare(b.fingerprint)
    );
}

/** One error event, as Pulse ships it (the JSON line). */
export interface ErrorOccurrence {
  time: number;
  fingerprint?: string;
  message: string;
  errorClass?: string;
  errorType?: string;
  route?: string;
  method?: string;
  status?: string;
  traceId?: string;
  stack?: string;
  cause?: string;
  /** Redacted request context: url_path, url_query, headers, body. */
  request?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An error event from its JSON line (pino: `msg`, `time`), or undefined when the line is not one. */
export function parseErrorLine(line: string, fallbackTime: number): ErrorOccurrence | undefined {
  let obj: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    const r = record(parsed);
    if (!r) {
      return undefined;
    }
    obj = r;
  } catch {
    return undefined;
  }
  return {
    time: typeof obj.time === 'number' ? obj.time : fallbackTime,
    fingerprint: str(obj[LOG_METADATA.fingerprint]),
    message: str(obj.msg) ?? str(obj.message) ?? '',
    errorClass: str(obj.error_class),
    errorType: str(obj[LOG_METADATA.errorType]),
    route: str(obj[LOG_METADATA.route]),
    method: str(obj[LOG_METADATA.method]),
    status: str(obj[LOG_METADATA.status]),
    traceId: str(obj[LOG_METADATA.traceId]),
    stack: str(obj.stack),
    cause: str(obj.cause),
    request: record(obj.request),
    metadata: record(obj.metadata),
  };
}

/** Error events from Loki log frames (the `Line`/`body` string field and the time field), newest first. */
export function errorOccurrences(frames: DataFrame[]): ErrorOccurrence[] {
  const out: ErrorOccurrence[] = [];
  for (const frame of frames) {
    const line = frame.fields.find(
      (f) => f.type === FieldType.string && (f.name === 'Line' || f.name === 'body' || f.name === 'line')
    );
    const time = timeField(frame);
    if (!line) {
      continue;
    }
    for (let i = 0; i < line.values.length; i++) {
      const o = parseErrorLine(String(line.values[i]), time ? Number(time.values[i]) : 0);
      if (o) {
        out.push(o);
      }
    }
  }
  return out.sort((a, b) => b.time - a.time);
}

/** The newest occurrence of each fingerprint (the groups list shows its class and message). */
export function latestByFingerprint(occurrences: ErrorOccurrence[]): Map<string, ErrorOccurrence> {
  const latest = new Map<string, ErrorOccurrence>();
  for (const o of occurrences) {
    if (o.fingerprint && (!latest.has(o.fingerprint) || latest.get(o.fingerprint)!.time < o.time)) {
      latest.set(o.fingerprint, o);
    }
  }
  return latest;
}
