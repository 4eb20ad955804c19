const express = require('express');
const { items } = require('./items');

const api = express.Router();

api.use('/items', items);
api.get('/status', (_req, res) => res.send('ok'));

module.exports = { api };
