import type { HealthCheck, HealthCheckFn, HealthStatus } from './types';

/** A check holding a resource of its own (a built-in database check's connection), closed when the check is removed or Pulse shuts down. */
export interface ClosableCheck extends HealthCheck {
  close?(): void;
}

/** One result of one run, as kept in history. */
export interface CheckResultRecord {
  at: number;
  status: HealthStatus;
  latencyMs: number;
  error?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export interface ResolvedCheck {
  name: string;
  fn: HealthCheckFn;
  critical: boolean;
  interval: number;
  timeout: number;
  /** Unhealthy results in a row after which the check holds readiness back. */
  failureThreshold: number;
  /** Other results in a row after which it lets readiness go again (and at start). */
  successThreshold: number;
  close: (() => void) | undefined;
}

/**
 * Everything Pulse remembers about one check: its last result, a bounded history (for uptime and
 * `?verbose=true`), and the times its status changed (for flapping).
 */
export class CheckState {
  last: CheckResultRecord | undefined;
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;
  consecutiveFailures = 0;
  consecutiveSuccesses = 0;
  /**
   * Whether this check lets the service be ready: undefined until it first passes or fails,
   * false after `failureThreshold` unhealthy results in a row (or a first result that is
   * unhealthy), true after `successThreshold` other results in a row. One slow run or one
   * refused connection does not take every instance out of the load balancer at once.
   */
  ready: boolean | undefined;
  flapping = false;
  /** The run in progress (including its timeout race), shared by whoever asks for a run. */
  running: Promise<void> | undefined;
  /** A run that timed out and has not settled yet: no new run starts while it hangs. */
  hung: Promise<unknown> | undefined;
  timer: NodeJS.Timeout | undefined;
  stopped = false;
  private readonly history: CheckResultRecord[] = [];
  private readonly changes: number[] = [];

  constructor(
    readonly def: ResolvedCheck,
    private readonly historySize: number,
    private readonly flappingWindow: number,
    private readonly flappingMaxChanges: number,
  ) {}

  get status(): HealthStatus | 'pending' {
    return this.last?.status ?? 'pending';
  }

  record(result: CheckResultRecord): void {
    const previous = this.last?.status;
    this.last = result;
    this.history.push(result);
    if (this.history.length > this.historySize) this.history.shift();
    if (result.status === 'unhealthy') {
      this.consecutiveFailures++;
      this.consecutiveSuccesses = 0;
      this.lastFailureAt = result.at;
      if (this.ready === undefined || this.consecutiveFailures >= this.def.failureThreshold) this.ready = false;
    } else {
      this.consecutiveFailures = 0;
      this.consecutiveSuccesses++;
      this.lastSuccessAt = result.at;
      if (this.consecutiveSuccesses >= this.def.successThreshold) this.ready = true;
    }
    if (previous !== undefined && previous !== result.status) this.changes.push(result.at);
    while (this.changes.length > 0 && this.changes[0]! <= result.at - this.flappingWindow) this.changes.shift();
    this.flapping = this.changes.length > this.flappingMaxChanges;
  }

  /** Share of the kept results that were not unhealthy. */
  get uptime(): number | undefined {
    if (this.history.length === 0) return undefined;
    let up = 0;
    for (const r of this.history) if (r.status !== 'unhealthy') up++;
    return up / this.history.length;
  }

  get results(): readonly CheckResultRecord[] {
    return this.history;
  }
}
