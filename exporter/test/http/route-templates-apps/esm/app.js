// The usual ESM layout: route modules are imported, so their routes exist before createPulse().
import express from 'express';
import { createPulse } from '@pulse-apm/exporter';
import { api } from './routes/api.js';
import { admin } from './routes/admin.js';

const pulse = createPulse({ serviceName: 'layout-app' });
const app = express();
app.use(pulse.middleware());

app.use('/api/:version', api);
app.use('/admin', admin);

app.use(pulse.errorHandler());
pulse.mount(app);
const server = app.listen(Number(process.env.PORT ?? 3000), () => console.log(`listening on ${server.address().port}`));
