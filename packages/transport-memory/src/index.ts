export { dispatchedMessages } from "./dispatched-messages.js";
export { type InMemoryErrorCode, InMemoryErrorCodes } from "./in-memory-error-codes.js";
export { InMemoryTransport, type InMemoryTransportOptions } from "./in-memory-transport.js";
export { InMemoryTransportFactory } from "./in-memory-transport-factory.js";
export { type ProcessQueuedOptions, processQueued } from "./process-queued.js";
