import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  UseGuards,
  Version,
} from '@nestjs/common';
import { AdminGuard } from '../common/admin.guard.js';
import { Order, OrdersService } from '../orders/orders.service.js';
import { User, UsersService } from './users.service.js';

@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly orders: OrdersService,
  ) {}

  @Get(':id')
  async findOne(@Param('id') id: string): Promise<User> {
    const user = await this.users.find(id);
    if (user === undefined) throw new NotFoundException('no such user');
    return user;
  }

  // Route-level version: GET /api/v2/users/:id.
  @Version('2')
  @Get(':id')
  async findOneV2(@Param('id') id: string): Promise<User & { apiVersion: number }> {
    return { ...(await this.findOne(id)), apiVersion: 2 };
  }

  @Get(':id/orders')
  async ordersOf(@Param('id', ParseIntPipe) id: number): Promise<Order[]> {
    return this.orders.forUser(id);
  }

  @Get(':id/avatar')
  async avatar(@Param('id') id: string): Promise<never> {
    await this.users.find(id);
    throw new Error('avatar store unreachable');
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: { name?: unknown }): Promise<User> {
    if (typeof body?.name !== 'string') throw new BadRequestException('name is required');
    return this.users.create(body.name);
  }

  @Delete(':id')
  @UseGuards(AdminGuard)
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.users.remove(id);
  }
}
