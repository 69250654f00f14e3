export { AsSymfonyMessage } from "./as-symfony-message.js";
export { ForeignStamp } from "./foreign-stamp.js";
export { phpSerializedMessageClass } from "./php-serialized-envelope.js";
export { SymfonyClassMap, type SymfonyMessageClass, symfonyClasses } from "./symfony-class-map.js";
export { SymfonySerializer, type SymfonySerializerOptions } from "./symfony-serializer.js";
export { defineStampTranslation, type SymfonyStampTranslation } from "./symfony-stamp-translation.js";
export { symfonyStampTranslations } from "./symfony-stamps.js";
