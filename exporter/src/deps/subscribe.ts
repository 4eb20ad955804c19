import dc from 'node:diagnostics_channel';

type Listener = (message: unknown, name: string | symbol) => void;

/** Marks Pulse's own channel listeners, so trace-context.ts can tell other subscribers apart. */
export const kPulseListener = Symbol.for('pulse.channelListener');

/**
 * Subscribes listeners to channels by name and returns the function that unsubscribes them all.
 * `dc.subscribe(name, fn)` keeps the channel alive itself; holding the listener functions here
 * keeps them strongly referenced too (nodejs/node#47520: a channel object that only a weak
 * reference held could be collected with its subscribers).
 */
export function subscribeAll(listeners: Record<string, Listener>): () => void {
  const held = Object.entries(listeners);
  for (const [name, fn] of held) {
    (fn as unknown as Record<symbol, boolean>)[kPulseListener] = true;
    dc.subscribe(name, fn);
  }
  return () => {
    for (const [name, fn] of held) dc.unsubscribe(name, fn);
  };
}
