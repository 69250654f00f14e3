export type { EncodedEnvelope, Serializer } from "./serializer.js";
