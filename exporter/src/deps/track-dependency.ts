import { DEPENDENCY_TYPE_CUSTOM } from '../catalog/deps';
import { currentContext } from '../context/request-context';
import { classifyError } from './classify-error';
import type { DependencyRecorder } from './recorder';

export interface TrackDependencyOptions {
  /** `dependency_type` label: `redis`, `queue`, `grpc`, … Default `custom`. */
  type?: string;
}

const LABEL_SHAPE = /^[A-Za-z0-9_.:/-]{1,64}$/;

export type TrackDependency = <R>(name: string, fn: () => R, options?: TrackDependencyOptions) => R;

/**
 * `pulse.trackDependency(name, fn)`: runs `fn` and records its duration and outcome into
 * `pulse_dependency_duration_seconds`, the metric HTTP calls land in too. Works with sync and
 * async functions; returns what `fn` returns (a promise stays a promise) and rethrows its errors
 * unchanged. Pulse's own failures are counted, never thrown.
 */
export function createTrackDependency(recorder: DependencyRecorder, onError: (err: unknown) => void): TrackDependency {
  return function trackDependency<R>(name: string, fn: () => R, options?: TrackDependencyOptions): R {
    if (typeof fn !== 'function') throw new TypeError('pulse.trackDependency(name, fn): fn must be a function');
    if (typeof name !== 'string' || !LABEL_SHAPE.test(name)) {
      throw new TypeError(
        `pulse.trackDependency(name, fn): name must be 1–64 letters, digits, "_", ".", ":", "/" or "-", got ${JSON.stringify(name)}`,
      );
    }
    const type = options?.type !== undefined && LABEL_SHAPE.test(options.type) ? options.type : DEPENDENCY_TYPE_CUSTOM;
    const traceId = currentContext()?.traceId;
    const start = performance.now();
    const record = (errorType: string): void => {
      try {
        recorder.recordTracked(name, type, errorType, (performance.now() - start) / 1000, traceId);
      } catch (err) {
        onError(err);
      }
    };
    let result: R;
    try {
      result = fn();
    } catch (err) {
      record(classifyError(err));
      throw err;
    }
    if (isThenable(result)) {
      return result.then(
        (value) => {
          record('');
          return value;
        },
        (err: unknown) => {
          record(classifyError(err));
          throw err;
        },
      ) as R;
    }
    record('');
    return result;
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
