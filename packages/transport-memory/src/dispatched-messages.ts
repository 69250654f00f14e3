import type { MessageClass } from "@messenger-ts/core";
import type { InMemoryTransport } from "./in-memory-transport.js";

/**
 * Test helper: the messages the code under test sent to `transport` since its last reset, in send
 * order; with `type`, only the instances of that class (subclasses included).
 *
 * @example
 * ```ts
 * await signUp(bus, "ada@example.com");
 * expect(dispatchedMessages(asyncTransport, SendWelcomeEmail)).toEqual([new SendWelcomeEmail("ada@example.com")]);
 * ```
 */
export function dispatchedMessages<T extends object = object>(
  transport: InMemoryTransport,
  type?: MessageClass<T>,
): T[] {
  const messages = transport.getSent().map((envelope) => envelope.message);
  return (type ? messages.filter((message) => message instanceof type) : messages) as T[];
}
