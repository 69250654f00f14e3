// Nest's container reads constructor types through the Reflect metadata polyfill.
import "reflect-metadata";

export { InjectBus } from "./inject-bus.js";
export { MessengerModule } from "./messenger-module.js";
export {
  MESSENGER_MODULE_OPTIONS,
  type MessengerModuleAsyncOptions,
  type MessengerModuleOptions,
} from "./messenger-module-options.js";
export { NestServiceContainer } from "./nest-service-container.js";
