import type { Envelope } from "../../envelope/envelope.js";
import { DeliveryLimitExceededStamp } from "../../stamps/delivery-limit-exceeded-stamp.js";
import { parseWholeNumberOption } from "./parse-whole-number-option.js";

/**
 * Deliveries a transport allows a message without an acknowledgement before the worker sends it
 * to the failure transport instead of a handler (`deliveryLimit`). Small, as BullMQ's and
 * RabbitMQ's are: each extra delivery of a message that kills its worker costs a redelivery
 * timeout and a worker restart. A message released by a stopping worker is not counted.
 */
export const DEFAULT_DELIVERY_LIMIT = 5;

/**
 * What a receiver does with a claimed envelope and the number of this delivery (1 for the first):
 * beyond the limit it marks the envelope, so the worker fails it as a poison message.
 */
export function markDeliveryLimit(envelope: Envelope, deliveries: number, limit: number): Envelope {
  return deliveries > limit ? envelope.with(new DeliveryLimitExceededStamp(deliveries, limit)) : envelope;
}

/**
 * The largest `deliveryLimit` any transport accepts: far beyond any sensible limit, and within
 * every backend's counter (PostgreSQL's `integer` column among them).
 */
export const MAX_DELIVERY_LIMIT = 1_000_000;

/** `delivery_limit` / `deliveryLimit`: a whole number of deliveries, the same on every transport. */
export function parseDeliveryLimitOption(value: unknown, option: string, label: string): number {
  return parseWholeNumberOption(value, option, label, 1, MAX_DELIVERY_LIMIT);
}
