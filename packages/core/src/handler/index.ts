export {
  AsMessageHandler,
  type AsMessageHandlerOptions,
  DEFAULT_HANDLER_METHOD,
} from "./as-message-handler.js";
export { defineHandler } from "./define-handler.js";
export { type HandlerCallable, HandlerDescriptor, type HandlerOptions } from "./handler-descriptor.js";
export {
  type ClassHandlerRegistration,
  decoratedHandlerClasses,
  type FunctionHandlerRegistration,
  getHandlerRegistrations,
  type HandledType,
  type HandlerRegistration,
} from "./handler-registration.js";
export { type HandlerEntry, HandlersLocator } from "./handlers-locator.js";
