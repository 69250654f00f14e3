import { AsMessage } from "@messenger-ts/core";

/** The job of the transport tests. */
@AsMessage("sqlite_test.job")
export class Job {
  constructor(readonly n: number) {}
}

@AsMessage("sqlite_test.place_order")
export class PlaceOrder {
  constructor(readonly orderId: number) {}
}

@AsMessage("sqlite_test.order_placed")
export class OrderPlaced {
  constructor(readonly orderId: number) {}
}
