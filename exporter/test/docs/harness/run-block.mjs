// Runs one documentation block (argv[2]) the way a user runs a file: `node file`. The block
// passes when it finishes loading (top-level await included), nothing throws or rejects in the
// next SETTLE_MS, and every HTTP server it started answers a request. Then the process ends here,
// since a block may leave pools, timers or servers open as a real app would.
/* global AbortSignal */
import { pathToFileURL } from 'node:url';

const SETTLE_MS = 500;
const file = process.argv[2];

await import(pathToFileURL(file).href);
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

for (const server of globalThis.__docsTestServers ?? []) {
  const address = server.address();
  if (!address || typeof address === 'string') continue;
  // Any HTTP answer will do: the server is up and did not crash on a request.
  if (typeof server.setTimeout !== 'function') continue;
  const res = await fetch(`http://127.0.0.1:${address.port}/`, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  process.stdout.write(`docs-test: server on :${address.port} answered ${res.status}\n`);
}
process.stdout.write('docs-test: block ran\n');
process.exit(0);
