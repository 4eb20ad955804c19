import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [OrdersModule],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
