import type { PulseCore } from '../core';
import { onSignal } from '../logs/signals';
import { builtInChecks } from './built-in';
import { createHealthEndpoints } from './endpoints';
import { LoopWatch } from './loop-watch';
import { healthReport } from './report';
import { HealthRunner } from './runner';
import type { HealthCheck, HealthReport } from './types';

export type {
  HealthCheck,
  HealthCheckContext,
  HealthCheckFn,
  HealthCheckResult,
  HealthReport,
  HealthStatus,
  CheckReport,
} from './types';

export interface HealthRegistry {
  /** Adds a check; it runs at once, then every `interval` ms. Throws on a bad or duplicate name. */
  add(check: HealthCheck): void;
  /** Removes a check and its series; false when there was none by that name. */
  remove(name: string): boolean;
  /** Runs every check now and resolves with the report (`GET /health` shows the last results). */
  run(): Promise<HealthReport>;
  /** What `GET /health` would answer now. */
  report(options?: { verbose?: boolean }): HealthReport;
  /**
   * Graceful shutdown, step one: `/health/ready` answers 503 from now on so load balancers stop
   * sending traffic, while everything else keeps working. `pulse.shutdown()` does this too.
   */
  shutdown(): void;
  /** What `GET /health/ready` would answer now. */
  readonly ready: boolean;
}

/** What the health signal adds to the Pulse object. */
export interface HealthApi {
  readonly health: HealthRegistry;
}

/** Creates the health signal: the check registry and runner, built-in checks, and the endpoints. */
export function createHealthSignal(core: PulseCore): { api: HealthApi } {
  const options = core.options.health;
  const runner = new HealthRunner(core, options);
  let watch: LoopWatch | undefined;
  const loopWatch = (): LoopWatch => (watch ??= new LoopWatch());
  let shuttingDown = false;

  const readiness = (): { ready: boolean; reason?: string; failing?: string[] } => {
    if (shuttingDown) return { ready: false, reason: 'shutting_down' };
    const { failing, pending } = runner.notReadyChecks();
    if (failing.length > 0) return { ready: false, reason: 'critical_check_failing', failing };
    if (pending.length > 0) return { ready: false, reason: 'starting', failing: pending };
    return { ready: true };
  };

  const health: HealthRegistry = {
    add: (check) => runner.add(check),
    remove: (name) => runner.remove(name),
    async run() {
      await runner.runAll();
      return healthReport(runner, readiness().ready, shuttingDown, false);
    },
    report: (o) => healthReport(runner, readiness().ready, shuttingDown, o?.verbose === true),
    shutdown() {
      shuttingDown = true;
    },
    get ready() {
      return readiness().ready;
    },
  };

  for (const check of builtInChecks(options.checks, loopWatch)) runner.add(check);

  if (options.enabled) {
    const watchForLive = loopWatch();
    const endpoints = createHealthEndpoints(options, {
      report: (verbose) => health.report({ verbose }),
      ready: readiness,
      live: () => {
        const delay = watchForLive.currentDelayMs();
        return { live: delay <= options.liveMaxEventLoopDelay, eventLoopDelayMs: delay };
      },
    });
    for (const [path, handler] of Object.entries(endpoints)) core.addEndpoint(path, handler);
  }

  let draining: Promise<void> | undefined;
  const drain = (): Promise<void> => {
    shuttingDown = true;
    draining ??= new Promise((resolve) => setTimeout(resolve, options.drainDelay));
    return draining;
  };
  // The process-wide listener the logs signal shares: several Pulse listeners of their own would
  // each see the other and none would re-raise the signal.
  const removeSignalHandlers = options.drainOnSignals.map((signal) => onSignal(signal, drain));

  core.onShutdown(async () => {
    for (const remove of removeSignalHandlers) remove();
    await drain();
    runner.stop();
    watch?.stop();
  });

  return { api: { health } };
}
