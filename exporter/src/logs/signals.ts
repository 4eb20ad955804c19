// One process listener per signal, shared by every Pulse instance in the process. On a signal
// each instance records its stop and flushes; then, when Pulse's listener was the only one, the
// signal is re-raised without it so the process ends exactly as it would have without Pulse.
// When the app has its own listener, the app decides when to exit.

type Handler = (signal: NodeJS.Signals) => Promise<void>;

const handlers = new Map<NodeJS.Signals, Set<Handler>>();
const listeners = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>();
const inProgress = new Set<NodeJS.Signals>();

function listenerFor(signal: NodeJS.Signals): (signal: NodeJS.Signals) => void {
  return function pulseSignalListener() {
    const listener = listeners.get(signal)!;
    const sole = process.listenerCount(signal) === 1;
    if (inProgress.has(signal)) {
      // A second signal while flushing (Ctrl-C twice): stop waiting.
      if (sole) reraise(signal, listener);
      return;
    }
    inProgress.add(signal);
    const running = [...(handlers.get(signal) ?? [])].map((h) => h(signal).catch(() => undefined));
    void Promise.all(running).then(() => {
      inProgress.delete(signal);
      if (sole && process.listenerCount(signal) === 1 && process.listeners(signal)[0] === listener)
        reraise(signal, listener);
    });
  };
}

function reraise(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): void {
  process.removeListener(signal, listener);
  listeners.delete(signal);
  handlers.delete(signal);
  process.kill(process.pid, signal);
}

/** Runs `handler` on `signal`; returns the function that removes it. */
export function onSignal(signal: NodeJS.Signals, handler: Handler): () => void {
  let set = handlers.get(signal);
  if (set === undefined) {
    set = new Set();
    handlers.set(signal, set);
  }
  set.add(handler);
  if (!listeners.has(signal)) {
    const listener = listenerFor(signal);
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  return () => {
    const s = handlers.get(signal);
    s?.delete(handler);
    if (s !== undefined && s.size === 0) {
      handlers.delete(signal);
      const listener = listeners.get(signal);
      if (listener !== undefined) process.removeListener(signal, listener);
      listeners.delete(signal);
    }
  };
}
