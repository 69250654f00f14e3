export type {
  TransportConformanceContext,
  TransportConformanceOptions,
  TransportConformanceSetup,
} from "./conformance-setup.js";
export { ConformanceWorkerProcess } from "./conformance-worker-process.js";
export { FakeClock } from "./fake-clock.js";
export { freePort } from "./free-port.js";
export { type HandledEntry, HandledLedger } from "./handled-ledger.js";
export { describeProcessConformance } from "./process-conformance.js";
export {
  findPostgresBinaries,
  PrivatePostgresCluster,
  type PrivatePostgresClusterOptions,
} from "./process-conformance-postgres-cluster.js";
export type {
  ProcessConformanceOptions,
  ProcessConformanceQueues,
  ProcessConformanceSetup,
  ProcessQueueOptions,
  RestartableBackend,
} from "./process-conformance-setup.js";
export type { ProcessWorkerConfig, TransportFactoryModule } from "./process-worker-config.js";
export { ScriptProcess } from "./script-process.js";
export { probeTcp, requireService, type ServiceAddress } from "./service-availability.js";
export { describeTransportConformance } from "./transport-conformance.js";
export {
  describeWorkerControlsConformance,
  type WorkerControlsConformanceSetup,
} from "./worker-controls-conformance.js";
