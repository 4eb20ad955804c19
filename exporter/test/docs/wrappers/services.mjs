/* eslint-disable @typescript-eslint/no-unused-vars -- a template: the block put in at BLOCK uses these names */
// For a block that creates Pulse with the clients of the app's own services: a pg pool and an
// ioredis client (on the test machine's PostgreSQL and Redis), and an Express app.
import express from 'express';
import pg from 'pg';
import Redis from 'ioredis';
import { createPulse } from '@pulse-apm/exporter';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const redis = new Redis(process.env.REDIS_URL);
const app = express();

/* BLOCK */
