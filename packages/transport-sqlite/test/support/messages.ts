import { AsMessage } from "@messenger-ts/core";

/** The job the worker fixture (test/fixtures/sqlite-worker.mjs) handles; same type name there. */
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
