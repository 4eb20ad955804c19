import { object } from '../config/schema';

// Options of the runtime signal: `createPulse({ runtime: { … } })`. Validated at createPulse().

export interface RuntimeOptions {}

export const runtimeOptionsSchema = object({});

export type ResolvedRuntimeOptions = Required<RuntimeOptions>;

export function resolveRuntimeOptions(_input: RuntimeOptions | undefined): ResolvedRuntimeOptions {
  return {};
}
