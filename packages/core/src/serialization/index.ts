export {
  assertNoForbiddenKeys,
  isForbiddenKey,
  type JsonPath,
  MAX_JSON_DEPTH,
} from "./json-guards.js";
export { JsonSerializer, type JsonSerializerOptions } from "./json-serializer.js";
export type { EncodedEnvelope, Serializer } from "./serializer.js";
export {
  builtInSendableStamps,
  createDefaultStampRegistry,
  StampRegistry,
  sendableStamps,
} from "./stamp-registry.js";
export { decodeOrUndecodable, UndecodableMessage } from "./undecodable-message.js";
export { ValueCodec } from "./value-codec.js";
