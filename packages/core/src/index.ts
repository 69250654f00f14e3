// Must run before any decorated class is evaluated: tsyringe reads design-time metadata through it.
import "reflect-metadata";

export * from "./batch/index.js";
export * from "./bus/index.js";
export { type Clock, systemClock } from "./clock/clock.js";
export * from "./config/index.js";
export * from "./di/index.js";
export { assertDispatchable, Envelope } from "./envelope/envelope.js";
export {
  isSendableStampClass,
  NonSendableStamp,
  type SendableStampClass,
  Stamp,
  type StampClass,
  type StampType,
} from "./envelope/stamp.js";
export * from "./envelope-errors/index.js";
export * from "./errors/index.js";
export * from "./events/index.js";
export * from "./handler/index.js";
export * from "./listeners/index.js";
export { type Logger, nullLogger } from "./logger/logger.js";
export * from "./message/index.js";
export * from "./middleware/index.js";
export * from "./rate-limit/index.js";
export * from "./retry/index.js";
export * from "./routing/index.js";
export * from "./serialization/index.js";
export * from "./stamps/index.js";
export * from "./transport/index.js";
export * from "./worker/index.js";
export * from "./worker-wiring/index.js";
