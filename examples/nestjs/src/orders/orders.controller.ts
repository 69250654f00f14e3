import { MessageBus, SentStamp } from "@messenger-ts/core";
import { InjectBus } from "@messenger-ts/nestjs";
import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from "@nestjs/common";
import { GetOrder, type OrderView, PlaceOrder } from "./messages.js";

interface PlaceOrderBody {
  readonly orderId: string;
  readonly item: string;
  readonly quantity?: number;
}

@Controller("orders")
export class OrdersController {
  constructor(
    // The default bus (command.bus), injected by type.
    private readonly commands: MessageBus,
    @InjectBus("query.bus") private readonly queries: MessageBus,
  ) {}

  /** Queues the order: 202 with the transport it went to; a worker places it. */
  @Post()
  @HttpCode(202)
  async place(@Body() body: PlaceOrderBody): Promise<{ orderId: string; queuedOn: string[] }> {
    const envelope = await this.commands.dispatch(
      new PlaceOrder(body.orderId, body.item, body.quantity ?? 1),
    );
    return {
      orderId: body.orderId,
      queuedOn: envelope.all(SentStamp).map((s) => s.senderAlias ?? s.senderClass),
    };
  }

  /** The order, once a worker placed it: the query's result, typed `OrderView | null`. */
  @Get(":id")
  async get(@Param("id") id: string): Promise<OrderView> {
    const order = await this.queries.query(new GetOrder(id));
    if (order === null) throw new NotFoundException(`Order ${id} is not placed (yet).`);
    return order;
  }
}
