export {
  AsMessage,
  type AsMessageOptions,
  classHierarchy,
  getMessageMetadata,
  type MessageMetadata,
} from "./as-message.js";
export type { MessageClass } from "./message-class.js";
export { MessageTypeRegistry, messageTypes } from "./message-type-registry.js";
export { Query, type ResultOf } from "./query.js";
export type { StandardSchemaV1 } from "./standard-schema.js";
