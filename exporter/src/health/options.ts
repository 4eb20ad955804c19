import { object } from '../config/schema';

// Options of the health signal: `createPulse({ health: { … } })`. Validated at createPulse().

export interface HealthOptions {}

export const healthOptionsSchema = object({});

export type ResolvedHealthOptions = Required<HealthOptions>;

export function resolveHealthOptions(_input: HealthOptions | undefined): ResolvedHealthOptions {
  return {};
}
