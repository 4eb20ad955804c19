import type { PulseCore } from '../core';

/** What the db signal adds to the Pulse object. */
export interface DbApi {}

/** Creates the db signal: registers its metrics from the catalog and returns its public API. */
export function createDbSignal(_core: PulseCore): { api: DbApi } {
  return { api: {} };
}
