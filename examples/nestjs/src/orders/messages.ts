import { AsMessage, Query } from "@messenger-ts/core";

/** Sent by `POST /orders`; routed to the `async` transport (PostgreSQL) and handled by a worker. */
@AsMessage("shop.place_order")
export class PlaceOrder {
  constructor(
    readonly orderId: string,
    readonly item: string,
    readonly quantity: number,
  ) {}
}

export interface OrderView {
  readonly orderId: string;
  readonly item: string;
  readonly quantity: number;
  readonly placedAt: string;
}

/** Asked by `GET /orders/:id`; handled at once, on the query bus. */
@AsMessage("shop.get_order")
export class GetOrder extends Query<OrderView | null> {
  constructor(readonly orderId: string) {
    super();
  }
}
