import { object } from '../config/schema';

// Options of the db signal: `createPulse({ db: { … } })`. Validated at createPulse().

export interface DbOptions {}

export const dbOptionsSchema = object({});

export type ResolvedDbOptions = Required<DbOptions>;

export function resolveDbOptions(_input: DbOptions | undefined): ResolvedDbOptions {
  return {};
}
