// Pulse created in a module of its own, required before anything loads express, and /metrics on
// a port of its own: the app itself is never passed to pulse.mount().
const { pulse } = require('./pulse');
const express = require('express');
const { api } = require('./routes/api');
const { admin } = require('./routes/admin');

const metricsApp = express();
pulse.mount(metricsApp);
const metricsServer = metricsApp.listen(0, () => {
  console.log(`metrics on ${metricsServer.address().port}`);

  const app = express();
  app.use(pulse.middleware());
  app.use('/api/:version', api);
  app.use('/admin', admin);
  app.use(pulse.errorHandler());
  const server = app.listen(Number(process.env.PORT ?? 3000), () =>
    console.log(`listening on ${server.address().port}`),
  );
});
