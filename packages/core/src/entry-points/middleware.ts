// `@messenger-ts/core/middleware`: the built-in middleware, the locators and the bus classes, for an
// application that assembles a bus by hand instead of through createMessenger.

export { MiddlewareMessageBus } from "../bus/middleware-message-bus.js";
export { RoutableMessageBus } from "../bus/routable-message-bus.js";
export { type HandlerCallable, HandlerDescriptor } from "../handler/handler-descriptor.js";
export type { HandledType } from "../handler/handler-registration.js";
export { type HandlerEntry, HandlersLocator } from "../handler/handlers-locator.js";
export { AddBusNameStampMiddleware } from "../middleware/add-bus-name-stamp-middleware.js";
export { DecodeFailedMessageMiddleware } from "../middleware/decode-failed-message-middleware.js";
export { DeduplicateMiddleware } from "../middleware/deduplicate-middleware.js";
export { DispatchAfterCurrentBusMiddleware } from "../middleware/dispatch-after-current-bus-middleware.js";
export { DispatchStack } from "../middleware/dispatch-stack.js";
export { FailedMessageProcessingMiddleware } from "../middleware/failed-message-processing-middleware.js";
export { HandleMessageMiddleware } from "../middleware/handle-message-middleware.js";
export { RejectRedeliveredMessageMiddleware } from "../middleware/reject-redelivered-message-middleware.js";
export { SendMessageMiddleware } from "../middleware/send-message-middleware.js";
export type { TransportTargets } from "../routing/routing-config.js";
export { SendersLocator } from "../routing/senders-locator.js";
