export { AddBusNameStampMiddleware } from "./add-bus-name-stamp-middleware.js";
export {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
  type DirectCall,
} from "./application-dispatch-shortcut.js";
export { DecodeFailedMessageMiddleware } from "./decode-failed-message-middleware.js";
export { DispatchAfterCurrentBusMiddleware } from "./dispatch-after-current-bus-middleware.js";
export { DispatchStack } from "./dispatch-stack.js";
export { FailedMessageProcessingMiddleware } from "./failed-message-processing-middleware.js";
export { HandleMessageMiddleware } from "./handle-message-middleware.js";
export type { Middleware, Stack } from "./middleware.js";
export {
  type BrokerRedeliveryAware,
  RejectRedeliveredMessageMiddleware,
} from "./reject-redelivered-message-middleware.js";
export { SendMessageMiddleware } from "./send-message-middleware.js";
export { ValidationMiddleware } from "./validation-middleware.js";
