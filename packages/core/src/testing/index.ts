export type { TransportConformanceOptions, TransportConformanceSetup } from "./conformance-setup.js";
export { FakeClock } from "./fake-clock.js";
export { ScriptProcess } from "./script-process.js";
export { probeTcp, requireService, type ServiceAddress } from "./service-availability.js";
export { describeTransportConformance } from "./transport-conformance.js";
