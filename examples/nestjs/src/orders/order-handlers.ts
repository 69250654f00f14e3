import { AsMessageHandler } from "@messenger-ts/core";
import { Injectable, Logger } from "@nestjs/common";
import { GetOrder, type OrderView, PlaceOrder } from "./messages.js";
import { OrderRepository } from "./order-repository.js";

/** The handlers: a Nest provider, found by MessengerModule through its @AsMessageHandler methods. */
@Injectable()
export class OrderHandlers {
  readonly #logger = new Logger(OrderHandlers.name);

  constructor(private readonly orders: OrderRepository) {}

  @AsMessageHandler({ bus: "command.bus" })
  async place(command: PlaceOrder): Promise<void> {
    await this.orders.save(command.orderId, command.item, command.quantity);
    this.#logger.log(`Order ${command.orderId} placed: ${command.quantity} × ${command.item}`);
  }

  @AsMessageHandler({ bus: "query.bus" })
  get(query: GetOrder): Promise<OrderView | null> {
    return this.orders.find(query.orderId);
  }
}
