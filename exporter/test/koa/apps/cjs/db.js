const pg = require('pg');
const { pulse } = require('./pulse');

const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
pulse.instrument(pool, { name: 'items-db' });
module.exports = { pool };
