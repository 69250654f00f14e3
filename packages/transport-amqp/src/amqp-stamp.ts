import { NonSendableStamp } from "@messenger-ts/core";

/**
 * Message properties as Symfony's AmqpStamp names them (php-amqp's attribute names). `headers`
 * are added to the serializer's; the rest are AMQP basic properties.
 */
export interface AmqpAttributes {
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
  readonly priority?: number;
  readonly content_type?: string;
  readonly content_encoding?: string;
  /** 2 (persistent, the default) or 1 (transient: lost when the broker restarts). */
  readonly delivery_mode?: 1 | 2;
  readonly correlation_id?: string;
  readonly reply_to?: string;
  /** Per-message TTL in milliseconds, as text (AMQP's `expiration`). */
  readonly expiration?: string;
  readonly timestamp?: number;
  readonly type?: string;
  readonly user_id?: string;
  readonly app_id?: string;
}

/** php-amqp's publish flag: the broker returns a message no queue is bound for, an error for send(). */
export const AMQP_MANDATORY = 1;

/**
 * Symfony's AmqpStamp: how one message is published. The routing key (else the exchange's
 * `default_publish_routing_key`), publish flags ({@link AMQP_MANDATORY}) and message attributes.
 * Process-local: it is not serialized with the message.
 */
export class AmqpStamp extends NonSendableStamp {
  constructor(
    readonly routingKey?: string,
    readonly flags = 0,
    readonly attributes: AmqpAttributes = {},
  ) {
    super();
  }

  /** A stamp with these attributes added to those of `previous` (Symfony's createWithAttributes). */
  static createWithAttributes(attributes: AmqpAttributes, previous?: AmqpStamp): AmqpStamp {
    return new AmqpStamp(previous?.routingKey, previous?.flags ?? 0, {
      ...previous?.attributes,
      ...attributes,
    });
  }
}
