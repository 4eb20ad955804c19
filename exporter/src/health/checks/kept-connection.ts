import { withoutRecording } from '../../db/hub';

// A database check's own connection, beside the application's pool: a pool saturated by slow
// queries must not make the check wait in line (and every instance report unready at once).
// Opened on first use and kept between runs; on any error, loss or timeout it is destroyed and
// the next run opens a new one. Everything it sends runs without recording, so the check is
// not counted as the application's database traffic.

export interface ConnectionDriver<C> {
  /** Asynchronous setup before the first open (until it succeeds). Runs inside withoutRecording. */
  prepare?(): Promise<void>;
  /** Starts connecting; `onLost` is attached before anything can fail (an idle connection's error never crashes the app). */
  open(onLost: () => void): { conn: C; ready: Promise<unknown> };
  /** One round trip (`SELECT 1`). Called synchronously inside withoutRecording. */
  ping(conn: C): Promise<unknown>;
  /** Closes at once, also while connecting or with a statement in flight. */
  destroy(conn: C): void;
  /** Closes politely (on shutdown). */
  end(conn: C): void;
}

interface Opened<C> {
  conn: C;
  ready: Promise<unknown>;
}

const noop = (): void => undefined;

/** Rejects with the signal's reason when it aborts first; `work` settling later is handled. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(noop);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

export class KeptConnection<C> {
  private current: Opened<C> | undefined;
  private closed = false;

  constructor(private readonly driver: ConnectionDriver<C>) {}

  /** Connects if needed, then one round trip; rejects on failure or when `signal` aborts (the check timed out). */
  async ping(signal: AbortSignal): Promise<void> {
    if (this.closed) throw new Error('health check removed');
    if (this.driver.prepare !== undefined) {
      const prepare = this.driver.prepare.bind(this.driver);
      await untilAborted(withoutRecording(prepare), signal);
      if (this.closed) throw new Error('health check removed');
    }
    const opened = (this.current ??= this.open());
    try {
      await untilAborted(opened.ready, signal);
      await untilAborted(
        withoutRecording(() => this.driver.ping(opened.conn)),
        signal,
      );
    } catch (err) {
      this.drop(opened);
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    const opened = this.current;
    this.current = undefined;
    if (opened !== undefined) this.safely(() => this.driver.end(opened.conn));
  }

  private open(): Opened<C> {
    // `onLost` comes from the connection's events, always after open() has returned.
    const opened: Opened<C> = withoutRecording(() => this.driver.open(() => this.drop(opened)));
    opened.ready.catch(noop); // reported by ping(); a rejection nobody awaits must not be unhandled
    return opened;
  }

  private drop(opened: Opened<C>): void {
    if (this.current !== opened) return;
    this.current = undefined;
    this.safely(() => this.driver.destroy(opened.conn));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Closing a connection that is already broken may throw; it is gone either way.
    }
  }
}
