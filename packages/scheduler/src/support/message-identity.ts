import { messageTypes } from "@messenger-ts/core";
import { stableJson } from "./stable-json.js";

/** The message's registered type name (`@AsMessage`), else its class name. */
export function messageTypeName(message: object): string {
  const type = message.constructor as (abstract new (...args: any[]) => object) | undefined;
  if (typeof type !== "function") return "Object";
  return messageTypes.typeNameOf(type) ?? (type.name || "Object");
}

/** True when the message defines its own `toString()` (Symfony's `Stringable`). */
export function hasOwnToString(message: object): boolean {
  const own = (message as { toString?: unknown }).toString;
  return typeof own === "function" && own !== Object.prototype.toString;
}

/**
 * What identifies a message across processes: its own `toString()` when it has one (as Symfony
 * uses `Stringable` messages), else its type name and its fields as key-sorted JSON. Seeds hashed
 * cron fields and the ids of recurring messages, so it must not depend on the process.
 */
export function messageIdentity(message: object): string {
  if (hasOwnToString(message)) return String(message);
  return `${messageTypeName(message)}:${stableJson(message)}`;
}
