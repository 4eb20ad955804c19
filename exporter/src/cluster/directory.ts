import { createHash } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { link, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FamilyState, WorkerState } from './state';
import { monotonicFamilies } from './state';

// The folder the workers of one cluster share. Each live worker has `<key>.sock` (its peer socket)
// and `<key>.snap` (the state it last showed a scrape, written before it answers). A worker that
// leaves moves its snapshot to `retired/`: departed workers' counters keep counting in the sums.

const SOCKET = '.sock';
const SNAPSHOT = '.snap';
const RETIRED = 'retired';
/** A snapshot bigger than this is not read (a worker with millions of series; counted as failed). */
const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;
/** Retired snapshots older than this can no longer be in flight in any scrape: folded into one sum. */
const SETTLE_MS = 60_000;

/**
 * `<tmp>/pulse-<hash>`: one folder per cluster, from the user, the primary's pid (the user's primary
 * under node:cluster, PM2's daemon under PM2), the service and PM2's app name, so two clusters
 * on a host never share one.
 */
export function defaultClusterDirectory(serviceName: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const pm2App = process.env.pm_id !== undefined ? (process.env.name ?? '') : '';
  const hash = createHash('sha256').update(`${uid}\0${process.ppid}\0${serviceName}\0${pm2App}`).digest('hex');
  return join(tmpdir(), `pulse-${hash.slice(0, 16)}`);
}

/**
 * Creates the folder (and `retired/`) with mode 0700, or checks an existing one is a real folder of
 * this user that nobody else can open: a peer socket is the only way in, and it serves metrics.
 */
export function openClusterDirectory(dir: string): void {
  for (const path of [dir, join(dir, RETIRED)]) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const st = lstatSync(path);
    const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
    if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${path} is not a folder`);
    if (st.uid !== uid) throw new Error(`${path} belongs to another user (uid ${st.uid})`);
    if ((st.mode & 0o077) !== 0)
      throw new Error(`${path} is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
  }
}

export const socketPath = (dir: string, key: string): string => join(dir, key + SOCKET);

export interface PeerListing {
  /** Workers with a socket in the folder (live, or dead and not yet noticed). */
  sockets: string[];
  /** Snapshots without a socket whose process is gone (its socket file was removed by someone else). */
  orphans: string[];
}

const processExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export async function listPeers(dir: string): Promise<PeerListing> {
  const names = await readdir(dir);
  const sockets = names.filter((n) => n.endsWith(SOCKET)).map((n) => n.slice(0, -SOCKET.length));
  const live = new Set(sockets);
  const orphans = names
    .filter((n) => n.endsWith(SNAPSHOT))
    .map((n) => n.slice(0, -SNAPSHOT.length))
    // A key is `<pid>-<random>`: a worker still starting has a snapshot before its socket.
    .filter((k) => !live.has(k) && !processExists(Number(k.slice(0, k.indexOf('-')))));
  return { sockets, orphans };
}

async function readState(path: string): Promise<WorkerState | undefined> {
  try {
    if ((await stat(path)).size > MAX_SNAPSHOT_BYTES) return undefined;
    const state = JSON.parse(await readFile(path, 'utf8')) as WorkerState;
    return Array.isArray(state?.families) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Writes one worker's snapshots, one at a time and each replacing the last whole (rename). */
export class SnapshotWriter {
  private last: Promise<void> = Promise.resolve();
  private seq = 0;
  private retired = false;

  constructor(
    private readonly dir: string,
    private readonly key: string,
  ) {}

  /** Resolves once this state (or a later one) is on disk. */
  write(state: WorkerState): Promise<void> {
    const tmp = join(this.dir, `${this.key}.${++this.seq}.tmp`);
    const target = join(this.dir, this.key + SNAPSHOT);
    const body = JSON.stringify(state);
    this.last = this.last.then(async () => {
      if (this.retired) return; // a snapshot after the final one would resurrect this worker
      await writeFile(tmp, body, { mode: 0o600 });
      if (this.retired) await unlink(tmp);
      else await rename(tmp, target);
    });
    return this.last;
  }

  /** At exit: the final state straight into `retired/` (synchronous: the process is ending). */
  retireSync(state: WorkerState): void {
    this.retired = true;
    const tmp = join(this.dir, `${this.key}.final.tmp`);
    writeFileSync(tmp, JSON.stringify({ ...state, families: monotonicFamilies(state.families) }), { mode: 0o600 });
    try {
      linkSync(tmp, join(this.dir, RETIRED, this.key + SNAPSHOT)); // never replaces one a peer retired first
    } finally {
      unlinkSync(tmp);
    }
    for (const own of [this.key + SNAPSHOT, this.key + SOCKET]) {
      try {
        unlinkSync(join(this.dir, own));
      } catch {
        // already gone
      }
    }
  }
}

/** The state a peer last showed a scrape; undefined when it never answered one. */
export const readSnapshot = (dir: string, key: string): Promise<WorkerState | undefined> =>
  readState(join(dir, key + SNAPSHOT));

/**
 * A worker that exited without retiring itself (SIGKILL, OOM): its last snapshot moves to
 * `retired/` (if two workers notice at once, one wins) and its socket file goes.
 */
export async function retireDeparted(dir: string, key: string): Promise<void> {
  const snapshot = join(dir, key + SNAPSHOT);
  // link, not rename: a retired file is never replaced (peers have read it once and keep it).
  await link(snapshot, join(dir, RETIRED, key + SNAPSHOT)).catch(() => undefined);
  await unlink(snapshot).catch(() => undefined);
  await unlink(join(dir, key + SOCKET)).catch(() => undefined);
}

/**
 * The departed workers' counters and histograms, read once per file and kept in memory: recent
 * ones by key (a worker that answered this scrape and then retired must not count twice),
 * older ones folded into one sum.
 */
export class RetiredLedger {
  private readonly seen = new Set<string>();
  private readonly recent = new Map<string, { families: FamilyState[]; at: number }>();
  private settled: FamilyState[][] = [];

  constructor(
    private readonly dir: string,
    private readonly fold: (parts: FamilyState[][]) => FamilyState[],
  ) {}

  /** Every departed worker's totals, leaving out those in `exclude` (included live in this scrape). */
  async read(exclude: ReadonlySet<string>): Promise<FamilyState[][]> {
    const names = await readdir(join(this.dir, RETIRED));
    for (const name of names) {
      if (!name.endsWith(SNAPSHOT)) continue;
      const key = name.slice(0, -SNAPSHOT.length);
      if (this.seen.has(key)) continue;
      const state = await readState(join(this.dir, RETIRED, name));
      this.seen.add(key);
      if (state !== undefined) this.recent.set(key, { families: monotonicFamilies(state.families), at: Date.now() });
    }
    const now = Date.now();
    const settling: FamilyState[][] = [];
    for (const [key, entry] of this.recent) {
      if (now - entry.at > SETTLE_MS) {
        settling.push(entry.families);
        this.recent.delete(key);
      }
    }
    if (settling.length > 0) this.settled = [this.fold([...this.settled, ...settling])];
    const parts = [...this.settled];
    for (const [key, entry] of this.recent) if (!exclude.has(key)) parts.push(entry.families);
    return parts;
  }
}
