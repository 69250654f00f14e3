import { classHierarchy, getMessageMetadata } from "../message/as-message.js";
import type { MessageClass } from "../message/message-class.js";
import type { HandlerDescriptor } from "./handler-descriptor.js";

/** Per message class: the nearest `@AsMessage` `handlerTimeout` in its hierarchy, or null. */
const byClass = new WeakMap<Function, number | null>();

function messageClassTimeout(type: Function): number | undefined {
  let timeout = byClass.get(type);
  if (timeout === undefined) {
    timeout = null;
    for (const current of classHierarchy(type as MessageClass)) {
      const declared = getMessageMetadata(current)?.handlerTimeout;
      if (declared !== undefined) {
        timeout = declared;
        break;
      }
    }
    byClass.set(type, timeout);
  }
  return timeout ?? undefined;
}

/**
 * The timeout of one handler for one message, most specific first: the handler's own `timeout`,
 * then the message class's `handlerTimeout` (or its nearest parent's), then the transport's (the
 * worker's `handlerTimeout`, given only for a received message). `undefined`: no timeout.
 */
export function handlerTimeoutOf(
  descriptor: HandlerDescriptor,
  messageClass: Function,
  transportTimeout: number | undefined,
): number | undefined {
  return descriptor.options.timeout ?? messageClassTimeout(messageClass) ?? transportTimeout;
}
