// One variant's server plus a sequential keep-alive client in the same process, for
// instructions.mjs (run under callgrind). Usage: instructions-server.mjs <variant> <requests>
import http from 'node:http';
import express from 'express';
import { addRoutes } from './servers/common.mjs';
import { promClientMiddleware } from './servers/prom-client-middleware.mjs';

const [variant, count] = process.argv.slice(2);
const n = Number(count);

async function buildApp() {
  const app = express();
  let stop = async () => {};
  if (variant === 'prom-client') {
    const { default: client } = await import('prom-client');
    app.use(promClientMiddleware(client));
  } else if (variant.startsWith('pulse')) {
    const { createPulse } = await import('@pulse-apm/exporter');
    // Timers off (see instructions.mjs); `pulse-bare-http` also drops every signal but HTTP.
    // The dependency signal is off in every variant: the client below runs in this process, and
    // Pulse would measure its calls as outgoing dependencies, a cost the server never pays in
    // the wall-clock benchmark (its load generator is another process).
    const lean = variant === 'pulse-bare-http';
    const pulse = createPulse({
      serviceName: 'bench',
      runtime: { enabled: false },
      deps: { enabled: false },
      metrics: { defaultMetrics: false, exemplars: variant !== 'pulse-no-exemplars' },
      // Under valgrind a request can take over a second: no slow-request events in the window.
      errors: { slowRequestSeconds: false, ...(lean ? { captureUncaught: false } : {}) },
      ...(variant === 'pulse-no-header' ? { http: { traceIdHeader: false } } : {}),
    });
    app.use(pulse.middleware());
    stop = () => pulse.shutdown();
  } else if (variant === 'bare-als') {
    // The floor any request context pays on Node 20: AsyncLocalStorage's async hook.
    const { AsyncLocalStorage } = await import('node:async_hooks');
    const als = new AsyncLocalStorage();
    app.use((req, res, next) => als.run({ req }, next));
  } else if (variant !== 'bare') {
    throw new Error(`unknown variant ${variant}`);
  }
  addRoutes(app, express);
  return { app, stop };
}

const { app, stop } = await buildApp();
const server = await new Promise((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});
// Valgrind runs ~50x slower: Node's 5 s idle timeout would reset the client's kept-alive socket.
server.keepAliveTimeout = 10 * 60_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const port = server.address().port;

function get(i) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/api/users/${i % 100}`, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
}

for (let i = 0; i < n; i++) await get(i);
agent.destroy();
server.close();
await stop();
process.exit(0);
