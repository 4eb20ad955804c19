import type { PulseCore } from '../core';

/** What the health signal adds to the Pulse object. */
export interface HealthApi {}

/** Creates the health signal: registers its metrics from the catalog and returns its public API. */
export function createHealthSignal(_core: PulseCore): { api: HealthApi } {
  return { api: {} };
}
