import { PulseConfigError } from './errors';

// A small validator for option objects: each check knows what it accepts (for the error message)
// and returns the value it accepted. Options are validated once, at createPulse().

export interface Check<T> {
  readonly accepts: string;
  parse(value: unknown, path: string): T;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function fail(path: string, accepts: string, value: unknown): never {
  throw new PulseConfigError(path, `expected ${accepts}, got ${describe(value)}`);
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
  };
}

export function bool(): Check<boolean> {
  return {
    accepts: 'true or false',
    parse(value, path) {
      if (typeof value !== 'boolean') fail(path, this.accepts, value);
      return value;
    },
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
  };
}

export function literal<const V extends string | number | boolean>(...values: V[]): Check<V> {
  const accepts = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    accepts,
    parse(value, path) {
      if (!values.includes(value as V)) fail(path, accepts, value);
      return value as V;
    },
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
  };
}

export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  const accepts = `an object whose values are ${item.accepts}`;
  return {
    accepts,
    parse(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, accepts, value);
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(value)) out[k] = item.parse(v, `${path}.${k}`);
      return out;
    },
  };
}

export function anyOf<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
  const accepts = `${a.accepts} or ${b.accepts}`;
  return {
    accepts,
    parse(value, path) {
      for (const check of [a, b]) {
        try {
          return check.parse(value, path) as A | B;
        } catch (err) {
          if (!(err instanceof PulseConfigError)) throw err;
        }
      }
      return fail(path, accepts, value);
    },
  };
}

/** Any non-null object, e.g. a driver module or a pool; `has` names a method it must have. */
export function instance<T>(accepts: string, has?: string): Check<T> {
  return {
    accepts,
    parse(value, path) {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) fail(path, accepts, value);
      if (has !== undefined && typeof (value as Record<string, unknown>)[has] !== 'function')
        fail(path, accepts, value);
      return value as T;
    },
  };
}

type Shape = Record<string, Check<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]?: S[K] extends Check<infer T> ? T : never };

/** An object with known keys, all optional unless listed in `required`; unknown keys are errors. */
export function object<S extends Shape>(shape: S, opts: { required?: (keyof S)[] } = {}): Check<Parsed<S>> {
  const keys = Object.keys(shape);
  const accepts = 'an object';
  return {
    accepts,
    parse(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, accepts, value);
      const input = value as Record<string, unknown>;
      const at = (k: string): string => (path === '' ? k : `${path}.${k}`);
      for (const k of Object.keys(input)) {
        if (!Object.prototype.hasOwnProperty.call(shape, k)) {
          const guess = closest(k, keys);
          throw new PulseConfigError(
            at(k),
            `unknown option${guess ? `; did you mean "${at(guess)}"?` : ''} Accepted here: ${keys.join(', ')}`,
          );
        }
      }
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const v = input[k];
        if (v === undefined) {
          if (opts.required?.includes(k)) throw new PulseConfigError(at(k), `is required: ${shape[k]!.accepts}`);
          continue;
        }
        out[k] = shape[k]!.parse(v, at(k));
      }
      return out as Parsed<S>;
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
