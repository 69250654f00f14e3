export { type EventClass, EventDispatcher, type EventListener, StoppableEvent } from "./event-dispatcher.js";
export { SendMessageToTransportsEvent } from "./send-message-to-transports-event.js";
