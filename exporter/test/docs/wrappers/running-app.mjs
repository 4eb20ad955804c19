/* eslint-disable @typescript-eslint/no-unused-vars -- a template: the block put in at BLOCK uses these names */
// For a block that uses a running app's `pulse`, `app` and `server`, and the clients the
// dependency examples name: `redis` (ioredis on the test machine's Redis) with a `key`, and a
// message `channel` with an `exchange` and a `body`. No message broker runs here, so `channel`
// is an in-memory stand-in with amqplib's publish() signature.
import express from 'express';
import Redis from 'ioredis';
import { createPulse } from '@pulse-apm/exporter';

const pulse = createPulse({ serviceName: 'docs-test' });
const app = express();
app.use(pulse.middleware());
app.get('/', (req, res) => res.send('ok'));
app.use(pulse.errorHandler());
pulse.mount(app);
const server = app.listen(3000);

const redis = new Redis(process.env.REDIS_URL);
const key = 'docs-test:user:1';
const published = [];
const channel = { publish: (exchange, routingKey, body) => published.push({ exchange, routingKey, body }) > 0 };
const exchange = 'orders';
const body = Buffer.from('{"orderId":1}');

/* BLOCK */
