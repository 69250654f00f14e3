import type { MessageClass } from "../message/message-class.js";
import type { HandlerCallable, HandlerOptions } from "./handler-descriptor.js";

/** What a handler handles: a message class, or `"*"` for every message. */
export type HandledType = MessageClass | "*";

/** A handler method on a class, resolved from the container when first needed. */
export interface ClassHandlerRegistration {
  readonly kind: "class";
  readonly handlerClass: new (...args: any[]) => object;
  readonly method: string;
  readonly handles: HandledType;
  readonly options: HandlerOptions;
}

/** A plain function handler. */
export interface FunctionHandlerRegistration {
  readonly kind: "function";
  readonly handler: HandlerCallable;
  readonly name: string;
  readonly handles: HandledType;
  readonly options: HandlerOptions;
}

export type HandlerRegistration = ClassHandlerRegistration | FunctionHandlerRegistration;

/** Every `@AsMessageHandler` registration in the process, in decoration order. */
const registrations = new Map<Function, ClassHandlerRegistration[]>();

export function recordHandlerRegistration(registration: ClassHandlerRegistration): void {
  const list = registrations.get(registration.handlerClass) ?? [];
  list.push(registration);
  registrations.set(registration.handlerClass, list);
}

/** The `@AsMessageHandler` registrations of one class (empty when it has none). */
export function getHandlerRegistrations(handlerClass: Function): readonly ClassHandlerRegistration[] {
  return registrations.get(handlerClass) ?? [];
}

/** Every class decorated with `@AsMessageHandler` so far. */
export function decoratedHandlerClasses(): Function[] {
  return [...registrations.keys()];
}
