import type { PulseCore } from '../core';

/** What the runtime signal adds to the Pulse object. */
export interface RuntimeApi {}

/** Creates the runtime signal: registers its metrics from the catalog and returns its public API. */
export function createRuntimeSignal(_core: PulseCore): { api: RuntimeApi } {
  return { api: {} };
}
