// Building scenes needs a DOM (Grafana's packages read window, localStorage, devicePixelRatio…
// when they load), but node-environment tests (real Prometheus, real servers) break under jsdom's
// timers. This runs one function with a private jsdom's globals installed, then removes them.
import { JSDOM } from 'jsdom';

const DOM_EVENT_CLASSES = ['Event', 'CustomEvent', 'EventTarget'];

export function withBrowserGlobals<T>(fn: () => T): T {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', {
    url: 'http://localhost/',
    pretendToBeVisual: true,
  });
  const win = dom.window as unknown as Record<string, unknown>;
  win.matchMedia = () => ({
    matches: false,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
  });
  // jsdom has none; Scenes' lazy loader creates one when it loads.
  win.IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
  const g = globalThis as Record<string, unknown>;
  // What Node lacks, plus DOM events (jsdom's window only dispatches its own Event class);
  // Node's timers, fetch, URL… stay as they are.
  const added = Object.getOwnPropertyNames(win).filter((name) => !(name in g));
  const replaced = DOM_EVENT_CLASSES.filter((name) => name in g);
  const saved = new Map(replaced.map((name) => [name, Object.getOwnPropertyDescriptor(g, name)]));
  for (const name of [...added, ...replaced]) {
    Object.defineProperty(g, name, { value: win[name], configurable: true, writable: true });
  }
  try {
    return fn();
  } finally {
    for (const name of added) {
      delete g[name];
    }
    for (const [name, descriptor] of saved) {
      if (descriptor) {
        Object.defineProperty(g, name, descriptor);
      }
    }
    dom.window.close();
  }
}
