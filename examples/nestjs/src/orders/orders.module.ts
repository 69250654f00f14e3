import { Module } from "@nestjs/common";
import { OrderHandlers } from "./order-handlers.js";
import { OrderRepository } from "./order-repository.js";
import { OrderStatistics } from "./order-statistics.js";
import { OrdersController } from "./orders.controller.js";

@Module({
  controllers: [OrdersController],
  providers: [OrderRepository, OrderHandlers, OrderStatistics],
})
export class OrdersModule {}
