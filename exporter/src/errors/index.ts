import type { PulseCore } from '../core';

/** What the errors signal adds to the Pulse object. */
export interface ErrorsApi {}

/** Creates the errors signal: registers its metrics from the catalog and returns its public API. */
export function createErrorsSignal(_core: PulseCore): { api: ErrorsApi } {
  return { api: {} };
}
