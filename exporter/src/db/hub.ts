// Where driver instrumentation meets Pulse instances. Driver patches and channel subscriptions
// are process-wide (a module prototype is patched once, whoever asked), while recording belongs
// to a Pulse instance. The hub holds, per database system, the recorders of the Pulse instances
// that track it; drivers hand each query to them. It lives on globalThis so that the ESM and CJS
// builds of Pulse, if both get loaded, share one hub instead of patching twice.

/** OpenTelemetry `db.system.name` values Pulse records. */
export type DbSystem = 'postgresql' | 'mysql' | 'redis';

/** One operation in flight. `end` may be called more than once; only the first call counts. */
export interface QueryObservation {
  end(error: unknown, rows: number | undefined): void;
}

/** A Pulse instance's recorder for one database system. */
export interface SystemRecorder {
  /** A statement is about to be sent; called synchronously in the caller's async context. */
  startQuery(sql: string, values: unknown): QueryObservation;
  /** A connection is being opened. */
  startConnect(): QueryObservation;
  /** Counts a failure of the instrumentation itself (never thrown to the app). */
  internalError(error: unknown): void;
  /** True when slow query events carry the application caller (pool hooks then capture it at checkout). */
  readonly wantsCallSite: boolean;
}

/** Whether any recorder of the list wants call sites. */
export function wantCallSite(list: readonly SystemRecorder[]): boolean {
  for (const recorder of list) if (recorder.wantsCallSite) return true;
  return false;
}

/** Told about each knex client the first time it acquires a connection. */
export type KnexClientListener = (client: object) => void;

interface Hub {
  readonly recorders: Record<DbSystem, SystemRecorder[]>;
  readonly knexListeners: KnexClientListener[];
  readonly changeListeners: ((system: DbSystem) => void)[];
  /** > 0 while Pulse's own statements are being started (health checks): they are not recorded. */
  unrecorded?: number;
}

const HUB_KEY = Symbol.for('pulse.db.hub.v1');
const holder = globalThis as { [HUB_KEY]?: Hub };
const hub: Hub = (holder[HUB_KEY] ??= {
  recorders: { postgresql: [], mysql: [], redis: [] },
  knexListeners: [],
  changeListeners: [],
});
hub.recorders.redis ??= []; // a hub made by an older copy of Pulse in the same process

/** The live list of recorders for a system (drivers keep the reference and check its length). */
export function recordersFor(system: DbSystem): readonly SystemRecorder[] {
  return hub.recorders[system];
}

export function addRecorder(system: DbSystem, recorder: SystemRecorder): void {
  const list = hub.recorders[system];
  if (list.includes(recorder)) return;
  list.push(recorder);
  for (const fn of hub.changeListeners) fn(system);
}

export function removeRecorder(system: DbSystem, recorder: SystemRecorder): void {
  const list = hub.recorders[system];
  const at = list.indexOf(recorder);
  if (at === -1) return;
  list.splice(at, 1);
  for (const fn of hub.changeListeners) fn(system);
}

/** Runs whenever a system gains or loses a recorder (mysql2 subscribes to its channels only while it has one). */
export function onRecordersChanged(fn: (system: DbSystem) => void): void {
  if (!hub.changeListeners.includes(fn)) hub.changeListeners.push(fn);
}

export function knexListeners(): readonly KnexClientListener[] {
  return hub.knexListeners;
}

export function addKnexListener(fn: KnexClientListener): void {
  if (!hub.knexListeners.includes(fn)) hub.knexListeners.push(fn);
}

export function removeKnexListener(fn: KnexClientListener): void {
  const at = hub.knexListeners.indexOf(fn);
  if (at !== -1) hub.knexListeners.splice(at, 1);
}

/** Ends every observation of a fan-out (two Pulse instances tracking the same system). */
class FanOut implements QueryObservation {
  constructor(private readonly parts: QueryObservation[]) {}
  end(error: unknown, rows: number | undefined): void {
    for (const part of this.parts) part.end(error, rows);
  }
}

const NOOP: QueryObservation = { end() {} };

/**
 * Runs `fn` with recording off: statements and connections it starts synchronously (drivers
 * announce them in the caller's frame) are not the application's traffic. Pulse's health checks
 * run their `SELECT 1` and connect through here, so they never show in query metrics, slow
 * queries or N+1 counts.
 */
export function withoutRecording<T>(fn: () => T): T {
  hub.unrecorded = (hub.unrecorded ?? 0) + 1;
  try {
    return fn();
  } finally {
    hub.unrecorded = hub.unrecorded! - 1;
  }
}

/** Starts observing a statement on every recorder of the list; never throws. */
export function startQuery(list: readonly SystemRecorder[], sql: unknown, values: unknown): QueryObservation {
  if (hub.unrecorded! > 0) return NOOP;
  const text = typeof sql === 'string' ? sql : String(sql ?? '');
  if (list.length === 1) {
    const recorder = list[0]!;
    try {
      return recorder.startQuery(text, values);
    } catch (err) {
      recorder.internalError(err);
      return NOOP;
    }
  }
  const parts: QueryObservation[] = [];
  for (const recorder of list) {
    try {
      parts.push(recorder.startQuery(text, values));
    } catch (err) {
      recorder.internalError(err);
    }
  }
  return new FanOut(parts);
}

export function startConnect(list: readonly SystemRecorder[]): QueryObservation {
  if (hub.unrecorded! > 0) return NOOP;
  const parts: QueryObservation[] = [];
  for (const recorder of list) {
    try {
      parts.push(recorder.startConnect());
    } catch (err) {
      recorder.internalError(err);
    }
  }
  return parts.length === 1 ? parts[0]! : new FanOut(parts);
}
