export { busToken, InjectBus } from "./bus-token.js";
export { RESETTABLE, type Resettable, resettableServices } from "./resettable-services.js";
