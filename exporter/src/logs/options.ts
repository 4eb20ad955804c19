import { object } from '../config/schema';

// Options of the logs signal: `createPulse({ logs: { … } })`. Validated at createPulse().

export interface LogsOptions {}

export const logsOptionsSchema = object({});

export type ResolvedLogsOptions = Required<LogsOptions>;

export function resolveLogsOptions(_input: LogsOptions | undefined): ResolvedLogsOptions {
  return {};
}
