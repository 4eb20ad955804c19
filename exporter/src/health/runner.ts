import {
  HEALTH_STATUS_VALUES,
  pulseHealthCheckDuration,
  pulseHealthCheckFlapping,
  pulseHealthCheckStatus,
  pulseHealthStatus,
} from '../catalog/health';
import type { PulseCore } from '../core';
import type { Gauge, GaugeSeries } from '../metrics/gauge';
import type { CheckResultRecord, ClosableCheck, ResolvedCheck } from './check-state';
import { CheckState } from './check-state';
import { redactedErrorMessage, redactText, redactValue } from '../redaction';
import type { HealthCheck, HealthCheckResult, HealthStatus } from './types';

const NAME_SHAPE = /^[A-Za-z0-9_.-]{1,64}$/;
/** Check output is short: drivers sometimes put whole queries or stacks in a message. */
const MAX_CHECK_TEXT = 300;
const DETAILS_BOUNDS = { maxBytes: 8 * 1024, maxDepth: 4, maxKeys: 50, maxString: MAX_CHECK_TEXT };

export interface RunnerSettings {
  interval: number;
  timeout: number;
  historySize: number;
  flapping: { window: number; maxChanges: number };
  readiness: { failureThreshold: number; successThreshold: number };
}

/**
 * Runs every check on its own interval, off the request path: endpoints read the last results,
 * so probes never hit the dependencies. A run races its timeout; a run that times out is
 * reported as unhealthy and, while it still hangs, the check is not started again (it never
 * piles up: reported as still hanging instead). Timers are unref'd.
 */
export class HealthRunner {
  readonly checks = new Map<string, CheckState>();
  private readonly statusGauge: Gauge;
  private readonly durationGauge: Gauge;
  private readonly flappingGauge: Gauge;
  private readonly composite: GaugeSeries;
  private stopped = false;

  constructor(
    private readonly core: PulseCore,
    private readonly settings: RunnerSettings,
  ) {
    this.statusGauge = core.metrics.gauge(pulseHealthCheckStatus);
    this.durationGauge = core.metrics.gauge(pulseHealthCheckDuration);
    this.flappingGauge = core.metrics.gauge(pulseHealthCheckFlapping);
    this.composite = core.metrics.gauge(pulseHealthStatus).seriesFor([]);
    this.composite.set(HEALTH_STATUS_VALUES.healthy);
  }

  add(check: HealthCheck | ClosableCheck): void {
    const def = this.resolve(check);
    if (this.checks.has(def.name)) throw new Error(`pulse.health.add(): a check named "${def.name}" exists already`);
    const state = new CheckState(
      def,
      this.settings.historySize,
      this.settings.flapping.window,
      this.settings.flapping.maxChanges,
    );
    this.checks.set(def.name, state);
    if (this.stopped) return;
    // First run right away (next turn of the loop), then every interval after each run ends.
    state.timer = setTimeout(() => this.tick(state), 0);
    state.timer.unref();
  }

  remove(name: string): boolean {
    const state = this.checks.get(name);
    if (state === undefined) return false;
    this.stopCheck(state);
    this.checks.delete(name);
    // Its series stay at their last value otherwise: drop them.
    for (const gauge of [this.statusGauge, this.durationGauge, this.flappingGauge]) {
      const kept = gauge.series.filter((s) => s.labelValues[0] !== name).map((s) => [s.labelValues, s.value] as const);
      gauge.reset();
      for (const [labels, value] of kept) gauge.set(labels, value);
    }
    this.updateComposite();
    return true;
  }

  /** Runs every check now (or joins the run in progress) and resolves when all have a result. */
  async runAll(): Promise<void> {
    await Promise.all([...this.checks.values()].map((state) => this.run(state)));
  }

  /** The composite status over checks that have a result. */
  compositeStatus(): HealthStatus {
    let status: HealthStatus = 'healthy';
    for (const state of this.checks.values()) {
      const s = state.status;
      if (s === 'pending' || s === 'healthy') continue;
      if (s === 'unhealthy' && state.def.critical) return 'unhealthy';
      status = 'degraded';
    }
    return status;
  }

  /**
   * Critical checks that hold readiness back: failing (unhealthy `failureThreshold` times in a
   * row, and not yet healthy `successThreshold` times since), or not passed yet.
   */
  notReadyChecks(): { failing: string[]; pending: string[] } {
    const failing: string[] = [];
    const pending: string[] = [];
    for (const state of this.checks.values()) {
      if (!state.def.critical) continue;
      if (state.ready === undefined) pending.push(state.def.name);
      else if (!state.ready) failing.push(state.def.name);
    }
    return { failing, pending };
  }

  stop(): void {
    this.stopped = true;
    for (const state of this.checks.values()) this.stopCheck(state);
  }

  private tick(state: CheckState): void {
    state.timer = undefined;
    void this.run(state).then(() => {
      if (state.stopped || this.stopped) return;
      state.timer = setTimeout(() => this.tick(state), state.def.interval);
      state.timer.unref();
    });
  }

  private run(state: CheckState): Promise<void> {
    state.running ??= this.runOnce(state).finally(() => {
      state.running = undefined;
    });
    return state.running;
  }

  private async runOnce(state: CheckState): Promise<void> {
    const { def } = state;
    if (state.hung !== undefined) {
      this.report(state, {
        at: Date.now(),
        status: 'unhealthy',
        latencyMs: def.timeout,
        error: `still running after timing out (${def.timeout} ms): not started again`,
      });
      return;
    }
    const controller = new AbortController();
    const started = performance.now();
    let timeoutTimer: NodeJS.Timeout | undefined;
    const invocation = (async () => def.fn({ signal: controller.signal }))();
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeoutTimer = setTimeout(() => resolve('timeout'), def.timeout);
      timeoutTimer.unref();
    });
    let record: CheckResultRecord;
    try {
      const outcome = await Promise.race([invocation, timedOut]);
      const latencyMs = performance.now() - started;
      if (outcome === 'timeout') {
        controller.abort(new Error(`health check timed out after ${def.timeout} ms`));
        state.hung = invocation.then(
          () => undefined,
          () => undefined,
        );
        const hung = state.hung;
        void hung.then(() => {
          if (state.hung === hung) state.hung = undefined;
        });
        record = { at: Date.now(), status: 'unhealthy', latencyMs, error: `timed out after ${def.timeout} ms` };
      } else {
        record = { at: Date.now(), latencyMs, ...normaliseResult(outcome) };
      }
    } catch (err) {
      record = {
        at: Date.now(),
        status: 'unhealthy',
        latencyMs: performance.now() - started,
        error: redactedErrorMessage(err, MAX_CHECK_TEXT),
      };
    } finally {
      clearTimeout(timeoutTimer);
    }
    if (!state.stopped) this.report(state, record);
  }

  private report(state: CheckState, record: CheckResultRecord): void {
    try {
      state.record(record);
      const name = state.def.name;
      this.statusGauge.set([name, String(state.def.critical)], HEALTH_STATUS_VALUES[record.status]);
      this.durationGauge.set([name], record.latencyMs / 1000);
      this.flappingGauge.set([name], state.flapping ? 1 : 0);
      this.updateComposite();
    } catch (err) {
      this.core.internalError('health', err);
    }
  }

  private updateComposite(): void {
    this.composite.set(HEALTH_STATUS_VALUES[this.compositeStatus()]);
  }

  private stopCheck(state: CheckState): void {
    state.stopped = true;
    if (state.timer !== undefined) clearTimeout(state.timer);
    state.timer = undefined;
    try {
      state.def.close?.();
    } catch (err) {
      this.core.internalError('health', err);
    }
  }

  private resolve(check: HealthCheck | ClosableCheck): ResolvedCheck {
    if (typeof check !== 'object' || check === null) throw new TypeError('pulse.health.add() takes { name, check, … }');
    const { name, check: fn, critical, interval, timeout, readiness } = check;
    if (typeof name !== 'string' || !NAME_SHAPE.test(name)) {
      throw new TypeError(
        `pulse.health.add(): name must be 1–64 letters, digits, "_", "." or "-", got ${JSON.stringify(name)}`,
      );
    }
    if (typeof fn !== 'function') throw new TypeError(`pulse.health.add(): check "${name}" needs a check function`);
    const positive = (value: unknown, what: string, fallback: number): number => {
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
        throw new TypeError(`pulse.health.add(): ${what} of "${name}" must be a number of milliseconds ≥ 1`);
      }
      return value;
    };
    if (readiness !== undefined && (typeof readiness !== 'object' || readiness === null)) {
      throw new TypeError(
        `pulse.health.add(): readiness of "${name}" must be { failureThreshold?, successThreshold? }`,
      );
    }
    const times = (key: 'failureThreshold' | 'successThreshold'): number => {
      const value = readiness?.[key];
      if (value === undefined) return this.settings.readiness[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) {
        throw new TypeError(
          `pulse.health.add(): readiness.${key} of "${name}" must be a whole number of runs from 1 to 1000, got ${String(value)}`,
        );
      }
      return value;
    };
    const close = (check as ClosableCheck).close;
    return {
      name,
      fn,
      critical: critical ?? true,
      interval: positive(interval, 'interval', this.settings.interval),
      timeout: positive(timeout, 'timeout', this.settings.timeout),
      failureThreshold: times('failureThreshold'),
      successThreshold: times('successThreshold'),
      close: typeof close === 'function' ? () => close.call(check) : undefined,
    };
  }
}

const STATUSES = new Set<string>(['healthy', 'degraded', 'unhealthy']);

/** A check's return value as a result: undefined/true healthy, false unhealthy, or an explicit result. */
function normaliseResult(value: unknown): Pick<CheckResultRecord, 'status' | 'message' | 'details' | 'error'> {
  if (value === undefined || value === null || value === true) return { status: 'healthy' };
  if (value === false) return { status: 'unhealthy', error: 'check returned false' };
  if (typeof value !== 'object') return { status: 'healthy' };
  const result = value as HealthCheckResult;
  const status: HealthStatus =
    typeof result.status === 'string' && STATUSES.has(result.status) ? result.status : 'healthy';
  const message = typeof result.message === 'string' ? redactText(result.message, MAX_CHECK_TEXT).value : undefined;
  const details =
    typeof result.details === 'object' && result.details !== null
      ? (redactValue(result.details, DETAILS_BOUNDS).value as Record<string, unknown>)
      : undefined;
  return {
    status,
    ...(message !== undefined && (status === 'healthy' ? { message } : { message, error: message })),
    ...(details !== undefined && { details }),
  };
}
