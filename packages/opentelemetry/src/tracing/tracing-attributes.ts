/**
 * Attribute names of the OpenTelemetry messaging semantic conventions, spelled out here rather
 * than imported from `@opentelemetry/semantic-conventions`: the incubating names live in an entry
 * point whose exports change between releases, and these are all the instrumentation writes.
 */
export const ATTR_MESSAGING_SYSTEM = "messaging.system";
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const ATTR_MESSAGING_OPERATION_NAME = "messaging.operation.name";
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";

/** messenger-ts's own attributes, for what the conventions have no name for. */
export const ATTR_MESSENGER_MESSAGE_CLASS = "messenger.message.class";
export const ATTR_MESSENGER_BUS_NAME = "messenger.bus.name";
export const ATTR_MESSENGER_HANDLER_NAME = "messenger.handler.name";
export const ATTR_MESSENGER_RETRY_COUNT = "messenger.retry_count";

/** The value of `messaging.system` on every span. */
export const MESSAGING_SYSTEM = "messenger-ts";
