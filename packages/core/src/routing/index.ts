export type { RoutingConfig, TransportTargets } from "./routing-config.js";
export { SendersLocator } from "./senders-locator.js";
