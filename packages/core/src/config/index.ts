export { createMessenger, DEFAULT_BUS_NAME } from "./create-messenger.js";
export { Messenger, type MessengerParts, type ResolvedTransport } from "./messenger.js";
export type {
  BusConfig,
  DefaultMiddlewareConfig,
  HandlerSource,
  MessengerConfig,
  MiddlewareConfig,
  TransportConfig,
} from "./messenger-config.js";
