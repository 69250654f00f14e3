import { assertTimeout } from "./assert-timeout.js";
import type { MessageClass } from "./message-class.js";
import { messageTypes } from "./message-type-registry.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

export interface AsMessageOptions {
  /** Transport(s) to route to when the routing configuration says nothing about this class. */
  readonly transport?: string | readonly string[];
  /** A Standard Schema (zod, valibot, arktype...) the validation middleware checks the message against. */
  readonly schema?: StandardSchemaV1;
  /**
   * Milliseconds each handler of this class (and of its subclasses) may run; a handler's own
   * `timeout` overrides it, and it overrides the worker's `handlerTimeout`.
   */
  readonly handlerTimeout?: number;
}

export interface MessageMetadata {
  readonly typeName: string;
  readonly transports: readonly string[];
  readonly schema?: StandardSchemaV1;
  readonly handlerTimeout?: number;
}

const metadata = new WeakMap<MessageClass, MessageMetadata>();

/**
 * Declares a message class: its stable wire type name (never the class name, which can change or
 * be minified) and, optionally, default routing and a validation schema.
 *
 * @example
 * ```ts
 * @AsMessage("app.send_email", { transport: "async" })
 * class SendEmail { constructor(readonly to: string) {} }
 * ```
 */
export function AsMessage(typeName: string, options: AsMessageOptions = {}) {
  return (target: MessageClass): void => {
    assertTimeout(options.handlerTimeout, `@AsMessage("${typeName}") handlerTimeout`, "INVALID_ARGUMENT");
    messageTypes.register(target, typeName);
    const transport = options.transport;
    metadata.set(target, {
      typeName,
      transports: transport === undefined ? [] : typeof transport === "string" ? [transport] : [...transport],
      schema: options.schema,
      handlerTimeout: options.handlerTimeout,
    });
  };
}

/** What `@AsMessage` declared on exactly this class. */
export function getMessageMetadata(type: MessageClass): MessageMetadata | undefined {
  return metadata.get(type);
}

/** The class and its parents, nearest first (Object excluded): the lookup order for handlers and routes. */
export function classHierarchy(type: MessageClass): MessageClass[] {
  const out: MessageClass[] = [];
  let current: MessageClass | null = type;
  while (current && current !== Object && current !== Function.prototype) {
    out.push(current);
    current = Object.getPrototypeOf(current) as MessageClass | null;
  }
  return out;
}
