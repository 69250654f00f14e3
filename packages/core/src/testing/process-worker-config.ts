/**
 * Where a worker process of the process-level suite finds the transport factory: a module that a
 * plain Node process can import (the transport package's built entry point, as an absolute path or
 * file URL) and the name of the factory class it exports.
 */
export interface TransportFactoryModule {
  readonly module: string;
  readonly exportName: string;
}

/** The configuration a worker process of the process-level suite gets, as JSON in argv[2]. */
export interface ProcessWorkerConfig {
  readonly factory: TransportFactoryModule;
  /** The DSN of the `jobs` transport. */
  readonly jobs: string;
  /** The DSN of the `failed` transport, the failure transport when given. */
  readonly failed?: string;
  /** The DSN of a second transport, `other`, with the same handler (the pause test). */
  readonly other?: string;
  /** The shared concurrency limit of the `jobs` transport. */
  readonly concurrencyLimit?: { readonly limit: number; readonly leaseTimeout?: number };
  /** The rate limiter of the `other` transport (the shared-limits test limits `jobs` by concurrency, `other` by rate). */
  readonly rateLimiter?: { readonly limit: number; readonly interval: number };
  /** The transports the worker consumes. @defaultValue ["jobs"] */
  readonly receivers?: readonly string[];
  /** Retries of a failed job on `jobs`, 100 ms apart. @defaultValue the transport's default strategy */
  readonly retries?: number;
  /** Jobs whose handler throws. */
  readonly failOn?: readonly number[];
  /** Jobs whose handler ends the process at once with `process.exit(1)`, as a crash does. */
  readonly crashOn?: readonly number[];
  /** Jobs whose handler awaits a promise that never settles (no timer keeps the process alive). */
  readonly hangOn?: readonly number[];
  /** How long each handler runs; a negative value hangs until the process is killed. @defaultValue 0 */
  readonly handlerMs?: number;
  readonly concurrency?: number;
  /** The worker's sleep when idle, in ms. */
  readonly sleep?: number;
  /** The worker's `gracePeriod` option (ms): how long a stop waits for handlers in flight. */
  readonly gracePeriod?: number;
  /** The worker's `outageLimit` option (ms): how long its transport may fail before it gives up. */
  readonly outageLimit?: number;
  /** The directory of the {@link HandledLedger} the worker records handled jobs in. */
  readonly ledger: string;
  /** Print `started` / `finished` lines per job (the drain test of thousands turns them off). @defaultValue true */
  readonly verbose?: boolean;
}
