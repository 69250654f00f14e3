// `@messenger-ts/core/serialization`: the serializer's registries and codecs, for a custom serializer
// or for stamps registered outside the default registry.

export { isSendableStampClass } from "../envelope/stamp.js";
export { MessageTypeRegistry } from "../message/message-type-registry.js";
export {
  assertNoForbiddenKeys,
  isForbiddenKey,
  type JsonPath,
  MAX_JSON_DEPTH,
} from "../serialization/json-guards.js";
export {
  builtInSendableStamps,
  createDefaultStampRegistry,
  StampRegistry,
  sendableStamps,
} from "../serialization/stamp-registry.js";
export { ValueCodec } from "../serialization/value-codec.js";
