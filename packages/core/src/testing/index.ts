export type { TransportConformanceOptions, TransportConformanceSetup } from "./conformance-setup.js";
export { FakeClock } from "./fake-clock.js";
export { describeTransportConformance } from "./transport-conformance.js";
