import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { assertTimeout } from "../message/assert-timeout.js";
import type { MessageClass } from "../message/message-class.js";
import type { HandlerOptions } from "./handler-descriptor.js";
import type { FunctionHandlerRegistration } from "./handler-registration.js";

/**
 * A plain function as a handler. `name` defaults to the function's name; it must be stable
 * because retries use it to skip handlers that already succeeded.
 *
 * @example
 * ```ts
 * defineHandler(SendEmail, async function sendEmail(message) { ... })
 * ```
 */
export function defineHandler<M extends object>(
  handles: MessageClass<M> | "*",
  handler: (message: M, ...args: any[]) => unknown,
  options: HandlerOptions & { readonly name?: string } = {},
): FunctionHandlerRegistration {
  const { name = handler.name, ...handlerOptions } = options;
  if (typeof handler !== "function") {
    throw new InvalidArgumentError(`defineHandler needs a function, got ${typeof handler}.`, {
      code: "INVALID_HANDLER",
    });
  }
  assertTimeout(handlerOptions.timeout, `defineHandler(${name || "anonymous"}) timeout`, "INVALID_HANDLER");
  if (!name) {
    throw new InvalidArgumentError(
      `An anonymous function handler for ${handles === "*" ? '"*"' : handles.name} needs { name: "..." }: handled stamps use it to skip handlers on retry.`,
      { code: "INVALID_HANDLER" },
    );
  }
  return { kind: "function", handler, name, handles, options: handlerOptions };
}
