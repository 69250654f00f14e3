// Must run before any decorated class is evaluated: tsyringe reads design-time metadata through it.
import "reflect-metadata";

export { MessageBus } from "./bus/message-bus.js";
export { type Clock, systemClock } from "./clock/clock.js";
export { assertDispatchable, Envelope } from "./envelope/envelope.js";
export {
  isSendableStampClass,
  NonSendableStamp,
  type SendableStampClass,
  Stamp,
  type StampClass,
  type StampType,
} from "./envelope/stamp.js";
export * from "./errors/index.js";
export { type HandlerCallable, HandlerDescriptor, type HandlerOptions } from "./handler/handler-descriptor.js";
export { type Logger, nullLogger } from "./logger/logger.js";
export * from "./message/index.js";
export type { Middleware, Stack } from "./middleware/middleware.js";
export * from "./serialization/index.js";
export * from "./stamps/index.js";
export * from "./transport/index.js";
