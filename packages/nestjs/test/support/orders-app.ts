import { AsMessage, AsMessageHandler, MessageBus, Query, TransportMessageIdStamp } from "@messenger-ts/core";
import { PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  NotFoundException,
  Param,
  Post,
} from "@nestjs/common";
import { InjectBus, MessengerModule } from "../../src/index.js";

/** The command the HTTP endpoint dispatches; routed to PostgreSQL. */
@AsMessage("nest_test.place_order")
export class PlaceOrder {
  constructor(
    readonly orderId: string,
    readonly item: string,
  ) {}
}

export interface OrderView {
  readonly orderId: string;
  readonly item: string;
  readonly status: "placed";
}

/** The query the controller answers with; its handler runs synchronously on the query bus. */
@AsMessage("nest_test.get_order")
export class GetOrder extends Query<OrderView | undefined> {
  constructor(readonly orderId: string) {
    super();
  }
}

/** A Nest service the handlers get injected: where placed orders are kept. */
@Injectable()
export class OrderStore {
  readonly #orders = new Map<string, OrderView>();

  save(order: OrderView): void {
    this.#orders.set(order.orderId, order);
  }

  find(orderId: string): OrderView | undefined {
    return this.#orders.get(orderId);
  }
}

@Injectable()
export class PlaceOrderHandler {
  constructor(private readonly store: OrderStore) {}

  @AsMessageHandler({ bus: "command.bus" })
  place(command: PlaceOrder): void {
    this.store.save({ orderId: command.orderId, item: command.item, status: "placed" });
  }
}

@Injectable()
export class GetOrderHandler {
  constructor(private readonly store: OrderStore) {}

  @AsMessageHandler({ bus: "query.bus" })
  get(query: GetOrder): OrderView | undefined {
    return this.store.find(query.orderId);
  }
}

@Controller("orders")
export class OrdersController {
  constructor(
    private readonly commands: MessageBus,
    @InjectBus("query.bus") private readonly queries: MessageBus,
  ) {}

  @Post()
  @HttpCode(202)
  async place(@Body() body: { orderId: string; item: string }): Promise<{ queued: string | undefined }> {
    const envelope = await this.commands.dispatch(new PlaceOrder(body.orderId, body.item));
    return { queued: envelope.last(TransportMessageIdStamp)?.id?.toString() };
  }

  @Get(":id")
  async get(@Param("id") id: string): Promise<OrderView> {
    const order: OrderView | undefined = await this.queries.query(new GetOrder(id));
    if (order === undefined) throw new NotFoundException(`No order ${id}.`);
    return order;
  }
}

/** The application's module: the messenger on PostgreSQL (`dsn`), the handlers, the controller. */
export function ordersModule(dsn: string): new () => object {
  @Module({
    imports: [
      MessengerModule.forRoot({
        defaultBus: "command.bus",
        buses: { "command.bus": {}, "query.bus": {} },
        transports: { async: dsn },
        routing: [[PlaceOrder, "async"]],
        transportFactories: [new PostgresTransportFactory()],
      }),
    ],
    controllers: [OrdersController],
    providers: [OrderStore, PlaceOrderHandler, GetOrderHandler],
  })
  class OrdersModule {}
  return OrdersModule;
}
