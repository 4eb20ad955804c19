import { PulseConfigError } from './errors';

// A small validator for option objects: each check knows what it accepts (for the error message)
// and returns the value it accepted. Options are validated once, at createPulse().

export interface Check<T> {
  readonly accepts: string;
  parse(value: unknown, path: string): T;
  /**
   * How well a value fits this check's shape without validating it deeply, for anyOf() to pick
   * the alternative the user meant: undefined when the value's type is wrong, higher when more
   * of it fits (an object: known keys minus unknown ones).
   */
  affinity(value: unknown): number | undefined;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 5).map((k) => (k.length > 40 ? k.slice(0, 40) + '…' : k));
    return `an object with ${keys.length === 1 ? 'key' : 'keys'} ${shown.join(', ')}${keys.length > 5 ? ', …' : ''}`;
  }
  return typeof value;
}

/** The type a check accepts: a matching value scores 0, another type undefined. */
const typeAffinity =
  (matches: (value: unknown) => boolean) =>
  (value: unknown): number | undefined =>
    matches(value) ? 0 : undefined;

function fail(path: string, accepts: string, value: unknown): never {
  const hint = value === undefined ? ' (an unset environment variable?)' : '';
  throw new PulseConfigError(path, `expected ${accepts}, got ${describe(value)}${hint}`);
}

export function str(opts: { minLength?: number; pattern?: RegExp; accepts?: string } = {}): Check<string> {
  const accepts = opts.accepts ?? (opts.minLength ? 'a non-empty string' : 'a string');
  return {
    accepts,
    parse(value, path) {
      if (typeof value !== 'string') fail(path, accepts, value);
      if (opts.minLength !== undefined && value.length < opts.minLength) fail(path, accepts, value);
      if (opts.pattern !== undefined && !opts.pattern.test(value)) fail(path, accepts, value);
      return value;
    },
    affinity: typeAffinity((v) => typeof v === 'string'),
  };
}

export function bool(): Check<boolean> {
  return {
    accepts: 'true or false',
    parse(value, path) {
      if (typeof value !== 'boolean') fail(path, 'true or false', value);
      return value;
    },
    affinity: typeAffinity((v) => typeof v === 'boolean'),
  };
}

export function num(opts: { min?: number; max?: number; integer?: boolean; unit?: string } = {}): Check<number> {
  const range =
    opts.min !== undefined && opts.max !== undefined
      ? ` from ${opts.min} to ${opts.max}`
      : opts.min !== undefined
        ? ` ≥ ${opts.min}`
        : opts.max !== undefined
          ? ` ≤ ${opts.max}`
          : '';
  const accepts = `${opts.integer ? 'an integer' : 'a number'}${range}${opts.unit ? ` (${opts.unit})` : ''}`;
  return {
    accepts,
    parse(value, path) {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, accepts, value);
      if (opts.integer && !Number.isInteger(value)) fail(path, accepts, value);
      if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
        fail(path, accepts, value);
      }
      return value;
    },
    affinity: typeAffinity((v) => typeof v === 'number'),
  };
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function fn<F extends Function>(accepts = 'a function'): Check<F> {
  return {
    accepts,
    parse(value, path) {
      if (typeof value !== 'function') fail(path, accepts, value);
      return value as F;
    },
    affinity: typeAffinity((v) => typeof v === 'function'),
  };
}

export function literal<const V extends string | number | boolean>(...values: V[]): Check<V> {
  const shown = values.map((v) => JSON.stringify(v));
  const accepts = shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
  return {
    accepts,
    parse(value, path) {
      if (!values.includes(value as V)) fail(path, accepts, value);
      return value as V;
    },
    // An exact value is strong evidence (`false` for "off"); the same type is some.
    affinity: (value) =>
      values.includes(value as V) ? 1 : values.some((v) => typeof v === typeof value) ? 0 : undefined,
  };
}

export function arrayOf<T>(item: Check<T>, opts: { maxLength?: number } = {}): Check<T[]> {
  const accepts = `an array of ${item.accepts.replace(/^an? /, '')}s`;
  return {
    accepts,
    parse(value, path) {
      if (!Array.isArray(value)) fail(path, accepts, value);
      if (opts.maxLength !== undefined && value.length > opts.maxLength) {
        throw new PulseConfigError(path, `at most ${opts.maxLength} entries are accepted, got ${value.length}`);
      }
      return value.map((v, i) => item.parse(v, `${path}[${i}]`));
    },
    affinity: typeAffinity(Array.isArray),
  };
}

export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  const accepts = `an object whose values are ${item.accepts}`;
  return {
    accepts,
    parse(value, path) {
      if (!isPlainObject(value)) fail(path, accepts, value);
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(value)) out[k] = item.parse(v, `${path}.${k}`);
      return out;
    },
    affinity: typeAffinity(isPlainObject),
  };
}

/**
 * A value of one of several shapes. The error reported is that of the alternative the value
 * meant to be (see `affinity`), so it names the innermost field (`db.nPlusOne.threshold`);
 * when no alternative stands out, it names every shape accepted.
 */
export function anyOf<C extends Check<unknown>[]>(
  ...alternatives: C
): Check<C[number] extends Check<infer T> ? T : never> {
  const accepts = alternatives.map((a) => a.accepts).join(' or ');
  type T = C[number] extends Check<infer U> ? U : never;
  return {
    accepts,
    parse(value, path) {
      const candidates = alternatives
        .map((check) => ({ check, score: check.affinity(value) }))
        .filter((c): c is { check: Check<unknown>; score: number } => c.score !== undefined)
        .sort((a, b) => b.score - a.score);
      let closest: PulseConfigError | undefined;
      for (const [i, { check }] of candidates.entries()) {
        try {
          return check.parse(value, path) as T;
        } catch (err) {
          if (!(err instanceof PulseConfigError)) throw err;
          if (i === 0) closest = err;
        }
      }
      const clearWinner =
        candidates.length === 1 || (candidates.length > 1 && candidates[0]!.score > candidates[1]!.score);
      // An error at this very path says only "wrong shape": the union's own message names them all.
      if (clearWinner && closest !== undefined && closest.path !== path) throw closest;
      return fail(path, accepts, value);
    },
    affinity: (value) => {
      const scores = alternatives.map((a) => a.affinity(value)).filter((s): s is number => s !== undefined);
      return scores.length === 0 ? undefined : Math.max(...scores);
    },
  };
}

/** Any non-null object, e.g. a driver module or a pool; `has` names a method it must have. */
export function instance<T>(accepts: string, has?: string): Check<T> {
  const isInstance = (value: unknown): boolean =>
    (typeof value === 'object' || typeof value === 'function') && value !== null;
  return {
    accepts,
    parse(value, path) {
      if (!isInstance(value)) fail(path, accepts, value);
      if (has !== undefined && typeof (value as Record<string, unknown>)[has] !== 'function')
        fail(path, accepts, value);
      return value as T;
    },
    affinity: (value) =>
      !isInstance(value)
        ? undefined
        : has !== undefined && typeof (value as Record<string, unknown>)[has] === 'function'
          ? 1
          : 0,
  };
}

type Shape = Record<string, Check<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]?: S[K] extends Check<infer T> ? T : never };

/**
 * An object with known keys, all optional unless listed in `required`; unknown keys are errors.
 * It is described by its required keys (`an object { username, password }`), so two object
 * shapes in one anyOf() read apart.
 */
export function object<S extends Shape>(
  shape: S,
  opts: { required?: (keyof S & string)[]; accepts?: string } = {},
): Check<Parsed<S>> {
  const keys = Object.keys(shape);
  const required = opts.required ?? [];
  const accepts = opts.accepts ?? (required.length > 0 ? `an object { ${required.join(', ')} }` : 'an object');
  return {
    accepts,
    parse(value, path) {
      if (!isPlainObject(value)) fail(path, accepts, value);
      const input = value;
      const at = (k: string): string => (path === '' ? k : `${path}.${k}`);
      for (const k of Object.keys(input)) {
        if (!Object.prototype.hasOwnProperty.call(shape, k)) {
          const guess = closest(k, keys);
          throw new PulseConfigError(
            at(k),
            `unknown option${guess ? `; did you mean "${at(guess)}"? Accepted` : '; accepted'} here: ${keys.join(', ')}`,
          );
        }
      }
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const v = input[k];
        if (v === undefined) {
          if (required.includes(k)) {
            // `bearerToken: process.env.LOKI_TOKEN` with the variable unset arrives here as a key set to undefined.
            throw new PulseConfigError(
              at(k),
              k in input
                ? `is undefined (an unset environment variable?); expected ${shape[k]!.accepts}`
                : `is required: ${shape[k]!.accepts}`,
            );
          }
          continue;
        }
        out[k] = shape[k]!.parse(v, at(k));
      }
      return out as Parsed<S>;
    },
    affinity(value) {
      if (!isPlainObject(value)) return undefined;
      let score = 0;
      for (const k of Object.keys(value)) score += Object.prototype.hasOwnProperty.call(shape, k) ? 1 : -1;
      return score;
    },
  };
}

/** The accepted key nearest to a typo, if it is near enough to be a plausible guess. */
function closest(input: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
