export { MessageBus } from "./message-bus.js";
export { MiddlewareMessageBus } from "./middleware-message-bus.js";
export { RoutableMessageBus } from "./routable-message-bus.js";
