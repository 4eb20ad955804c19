import express from 'express';
import { items } from './items.js';

export const api = express.Router();

api.use('/items', items);
api.get('/status', (_req, res) => res.send('ok'));
