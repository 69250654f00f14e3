import { AsPeriodicTask } from "@messenger-ts/scheduler";
import { Injectable, Logger } from "@nestjs/common";
import { OrderRepository } from "./order-repository.js";

/** A periodic task on a Nest provider: the scheduler worker (`scheduler_default`) runs it. */
@Injectable()
export class OrderStatistics {
  readonly #logger = new Logger(OrderStatistics.name);

  constructor(private readonly orders: OrderRepository) {}

  @AsPeriodicTask("1 minute")
  async report(): Promise<void> {
    this.#logger.log(`${await this.orders.count()} orders so far`);
  }
}
