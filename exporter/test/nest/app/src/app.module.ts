import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CatalogModule } from './catalog/catalog.module.js';
import { RequestIdMiddleware } from './common/request-id.middleware.js';
import { DatabaseModule } from './database/database.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { StatusController } from './status.controller.js';
import { UsersController } from './users/users.controller.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [DatabaseModule, UsersModule, OrdersModule, CatalogModule],
  controllers: [StatusController],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes(UsersController);
  }
}
