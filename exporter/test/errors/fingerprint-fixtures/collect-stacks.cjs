// Shared driver of the fixture apps: listens, requests each route of both routers once, prints
// `RESULT {"/users/sync": { name, message, stack }, …}` once `done()` (Pulse's shutdown) settles.
const ROUTES = ['sync', 'construct', 'async', 'after-await', 'twin-a', 'twin-b', 'stock-early', 'stock-late'];

module.exports = function collectStacks(app, { express5, done }) {
  const server = app.listen(0, '127.0.0.1', async () => {
    const base = `http://127.0.0.1:${server.address().port}`;
    const stacks = {};
    for (const router of ['/users', '/orders'])
      for (const route of express5 ? [...ROUTES, 'rejects'] : ROUTES) {
        const res = await fetch(`${base}${router}/${route}?id=x`);
        stacks[`${router}/${route}`] = await res.json();
      }
    await done();
    process.stdout.write('RESULT ' + JSON.stringify(stacks) + '\n');
    server.close();
    server.closeAllConnections?.();
  });
};
