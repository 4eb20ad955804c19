import { Controller, Get, Param, ParseIntPipe, UseFilters } from '@nestjs/common';
import { OrderNotFoundError } from './order-not-found.error.js';
import { OrderNotFoundFilter } from './order-not-found.filter.js';
import { Order, OrdersService } from './orders.service.js';

// Served under both versions: /api/v1/orders/:orderId and /api/v2/orders/:orderId.
@Controller({ path: 'orders', version: ['1', '2'] })
@UseFilters(OrderNotFoundFilter)
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':orderId')
  async findOne(@Param('orderId', ParseIntPipe) orderId: number): Promise<Order> {
    const order = await this.orders.find(orderId);
    if (order === undefined) throw new OrderNotFoundError(orderId);
    return order;
  }
}
