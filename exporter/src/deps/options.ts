import { object } from '../config/schema';

// Options of the deps signal: `createPulse({ deps: { … } })`. Validated at createPulse().

export interface DepsOptions {}

export const depsOptionsSchema = object({});

export type ResolvedDepsOptions = Required<DepsOptions>;

export function resolveDepsOptions(_input: DepsOptions | undefined): ResolvedDepsOptions {
  return {};
}
