import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';

export interface Order {
  id: number;
  userId: number;
  total: string;
}

@Injectable()
export class OrdersService {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async forUser(userId: number): Promise<Order[]> {
    const { rows } = await this.pool.query<Order>(
      'SELECT id, user_id AS "userId", total FROM nest_fixture_orders WHERE user_id = $1 ORDER BY id',
      [userId],
    );
    return rows;
  }

  async find(id: number): Promise<Order | undefined> {
    const { rows } = await this.pool.query<Order>(
      'SELECT id, user_id AS "userId", total FROM nest_fixture_orders WHERE id = $1',
      [id],
    );
    return rows[0];
  }
}
