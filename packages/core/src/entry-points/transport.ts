// `@messenger-ts/core/transport`: the transport author's kit. The contracts a transport implements
// (Transport, Receiver, Sender, the capability interfaces and their guards) are exported from the
// root, since applications and tools test transports for capabilities too.

export {
  type ConcurrencyLeaseStore,
  isConcurrencyLeaseStore,
} from "../concurrency-limit/concurrency-lease-store.js";
export type { ConcurrencyLease, ConcurrencyLimiter } from "../concurrency-limit/concurrency-limiter.js";
export { InMemoryConcurrencyLeaseStore } from "../concurrency-limit/in-memory-concurrency-lease-store.js";
export {
  DEFAULT_LEASE_TIMEOUT,
  SharedConcurrencyLimiter,
  type SharedConcurrencyLimiterOptions,
} from "../concurrency-limit/shared-concurrency-limiter.js";
export {
  isSharedRateLimiterFactory,
  type RateLimiter,
  type SharedRateLimiterFactory,
} from "../rate-limit/rate-limiter.js";
export { SharedRateLimiter } from "../rate-limit/shared-rate-limiter.js";
export { TokenBucketRateLimiter } from "../rate-limit/token-bucket-rate-limiter.js";
export * from "../transport/kit/index.js";
export { SyncTransport } from "../transport/sync/sync-transport.js";
export { SyncTransportFactory } from "../transport/sync/sync-transport-factory.js";
export { TransportFactoryRegistry } from "../transport/transport-factory-registry.js";
export {
  InMemoryRestartSignalStore,
  isRestartSignalStore,
  type RestartSignalStore,
} from "../worker/restart-signal-store.js";
export {
  InMemoryTransportPauseStore,
  isTransportPauseStore,
  type TransportPauseStore,
} from "../worker/transport-pause-store.js";
