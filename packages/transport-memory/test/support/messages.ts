import { AsMessage } from "@messenger-ts/core";

@AsMessage("memory_test.send_email")
export class SendEmail {
  constructor(
    readonly to: string,
    readonly subject = "hello",
  ) {}
}

@AsMessage("memory_test.order_placed")
export class OrderPlaced {
  constructor(readonly orderId: number) {}
}
