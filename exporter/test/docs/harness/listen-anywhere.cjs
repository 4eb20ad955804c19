// Preloaded (--require) into every documentation block the code-blocks test runs. A block that
// starts a server (`app.listen(3000)`) gets an ephemeral port on 127.0.0.1 instead of the one
// written, so blocks run side by side with each other and with whatever already holds port 3000.
// The servers are recorded for run-block.mjs, which sends each one a request.
'use strict';
const net = require('node:net');

const servers = [];
globalThis.__docsTestServers = servers;
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    args[0] = 0;
    if (typeof args[1] === 'string') args[1] = '127.0.0.1';
    else args.splice(1, 0, '127.0.0.1');
  } else if (first && typeof first === 'object' && !Array.isArray(first) && first.path === undefined) {
    args[0] = { ...first, port: 0, host: '127.0.0.1' };
  } else if (first === undefined || typeof first === 'function') {
    args.unshift(0, '127.0.0.1');
  }
  servers.push(this);
  return listen.apply(this, args);
};
