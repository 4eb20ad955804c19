import { object } from '../config/schema';

// Options of the errors signal: `createPulse({ errors: { … } })`. Validated at createPulse().

export interface ErrorsOptions {}

export const errorsOptionsSchema = object({});

export type ResolvedErrorsOptions = Required<ErrorsOptions>;

export function resolveErrorsOptions(_input: ErrorsOptions | undefined): ResolvedErrorsOptions {
  return {};
}
