import { lifecycleEvent } from '../logs/lifecycle';
import type { PulseCore } from '../core';
import type { ErrorRecorder } from './capture';

// Opt-in capture of uncaught exceptions and unhandled rejections. Only `uncaughtExceptionMonitor`
// is used: it observes without handling, so the process keeps Node's default behaviour (print,
// exit 1; in the default `--unhandled-rejections=throw` mode unhandled rejections arrive here
// too, with origin "unhandledRejection"). An app that handles `unhandledRejection` itself sees
// them first; it can call pulse.captureException there.

export function captureUncaught(core: PulseCore, recorder: ErrorRecorder): () => void {
  const monitor = (err: unknown, origin: string): void => {
    recorder.record(err, { origin: origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException' });
    // No `uncaughtException` listener: Node exits right after this. The log pipeline's exit
    // flush gives these last lines a bounded chance to reach Loki.
    if (process.listenerCount('uncaughtException') === 0) {
      core.events.emit(lifecycleEvent('stop', 'crash', core.options.serviceVersion));
    }
  };
  process.on('uncaughtExceptionMonitor', monitor);
  return () => process.removeListener('uncaughtExceptionMonitor', monitor);
}
