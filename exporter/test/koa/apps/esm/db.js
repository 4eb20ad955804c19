import pg from 'pg';
import { pulse } from './pulse.js';

export const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
pulse.instrument(pool, { name: 'items-db' });
