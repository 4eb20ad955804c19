import type { PulseCore } from '../core';

/** What the deps signal adds to the Pulse object. */
export interface DepsApi {}

/** Creates the deps signal: registers its metrics from the catalog and returns its public API. */
export function createDepsSignal(_core: PulseCore): { api: DepsApi } {
  return { api: {} };
}
