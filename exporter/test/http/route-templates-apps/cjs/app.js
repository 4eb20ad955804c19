// Route modules required first, so their routes exist before createPulse().
const express = require('express');
const { api } = require('./routes/api');
const { admin } = require('./routes/admin');
const { createPulse } = require('@pulse-apm/exporter');

const pulse = createPulse({ serviceName: 'layout-app' });
const app = express();
app.use(pulse.middleware());

app.use('/api/:version', api);
app.use('/admin', admin);

app.use(pulse.errorHandler());
pulse.mount(app);
const server = app.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
