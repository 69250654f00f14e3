import { BusNameStamp, type Envelope, type MessageClass, messageTypes } from "@messenger-ts/core";
import type { Attributes } from "@opentelemetry/api";
import { ATTRIBUTE } from "./metric-names.js";

/**
 * The message type's name: its `@AsMessage` type name when it has one (what routing uses), else its
 * class name. Both come from the code, so the label has as many values as there are message classes.
 */
export function messageTypeOf(envelope: Envelope): string {
  const type = (envelope.message as object | null)?.constructor;
  if (typeof type !== "function") return "object";
  return messageTypes.typeNameOf(type as MessageClass) ?? (type.name || "object");
}

/** Type, bus (when the envelope names one) and transport (when given). */
export function messageAttributes(envelope: Envelope, transport?: string): Attributes {
  const attributes: Attributes = { [ATTRIBUTE.messageType]: messageTypeOf(envelope) };
  const bus = envelope.last(BusNameStamp)?.busName;
  if (bus !== undefined) attributes[ATTRIBUTE.bus] = bus;
  if (transport !== undefined) attributes[ATTRIBUTE.transport] = transport;
  return attributes;
}
