import type { PulseCore } from '../core';

/** What the logs signal adds to the Pulse object. */
export interface LogsApi {}

/** Creates the logs signal: registers its metrics from the catalog and returns its public API. */
export function createLogsSignal(_core: PulseCore): { api: LogsApi } {
  return { api: {} };
}
