// Jest setup provided by Grafana scaffolding; it assumes jsdom, so tests that declare
// `@jest-environment node` (dist checks, live Prometheus) skip it.
if (typeof window !== 'undefined') {
  require('./.config/jest-setup');
}

// jsdom has no IntersectionObserver; Scenes' lazy panel loader uses it.
class IntersectionObserverStub {
  constructor(callback) {
    this.callback = callback;
  }
  observe(target) {
    this.callback([{ isIntersecting: true, target }], this);
  }
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
if (typeof window !== 'undefined') {
  Object.defineProperty(global, 'IntersectionObserver', { writable: true, value: IntersectionObserverStub });
}

// i18next advertises itself on every init; keep test output for test results.
const consoleInfo = console.info;
console.info = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('i18next is made possible')) {
    return;
  }
  consoleInfo(...args);
};
