// Development entry of the shipping thread: when Pulse runs from its TypeScript sources (tests),
// the worker loads the .ts module through tsx. Published builds use dist/logs/loki-worker.js.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./loki-worker.ts');
export default mod.default;
