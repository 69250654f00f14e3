export { busToken, InjectBus } from "./bus-token.js";
