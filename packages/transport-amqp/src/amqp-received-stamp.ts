import { NonSendableStamp } from "@messenger-ts/core";
import type { AmqpDelivery } from "./amqp-consumer.js";

/**
 * Marks an envelope read from an AMQP transport: which queue it came from and which delivery it
 * is, so that ack and reject reach the channel that holds it. Process-local.
 */
export class AmqpReceivedStamp extends NonSendableStamp {
  constructor(
    /** The queue the message was consumed (or listed) from. */
    readonly queueName: string,
    /** The delivery: its channel's tag; undefined for an envelope from all() or find(). */
    readonly delivery: AmqpDelivery | undefined,
    /** The routing key the message was published with. */
    readonly routingKey: string,
  ) {
    super();
  }
}
