import type { TransportFactoryModule } from "./process-worker-config.js";

/** What the process-level suite may ask of a DSN besides its queue. */
export interface ProcessQueueOptions {
  /** The redelivery timeout, in milliseconds; the transport's default when left out. */
  readonly redeliveryTimeout?: number;
  /** The delivery limit (DSN query `delivery_limit`); the transport's default when left out. */
  readonly deliveryLimit?: number;
}

/**
 * One test's own place in the backend (a schema, a key prefix, a file), holding the queues `jobs`
 * and `failed`. Created by {@link ProcessConformanceSetup.queues} before each test.
 */
export interface ProcessConformanceQueues {
  /**
   * The DSN of queue `queue` ("jobs" or "failed") in this place, used by the test process and by
   * the worker processes. Make transport sweeps that the timeout depends on (Redis's
   * `claim_interval`) short enough for `redeliveryTimeout` to be what the test sees.
   */
  dsn(queue: string, options?: ProcessQueueOptions): string;
  /** Stores a raw entry (body and headers as a serializer would produce them) straight in `queue`. */
  injectRaw(queue: string, body: string, headers: Readonly<Record<string, string>>): Promise<void>;
  /**
   * The bodies stored in the backend for `queue`, read without the transport, claimed or not:
   * what is left after acks and rejects, byte for byte.
   */
  storedBodies(queue: string): Promise<string[]>;
  /** Drops the schema, keys or file. */
  cleanup(): Promise<void>;
}

/** Queues on a backend instance of the test's own, which the suite may stop and start again. */
export interface RestartableBackend<Q extends ProcessConformanceQueues = ProcessConformanceQueues> {
  /** Starts the instance (if it is not running) and returns fresh queues on it. */
  queues(test: string): Promise<Q>;
  /**
   * Stops the instance. Unless {@link keepsData}, its data may be lost, as a crash without
   * persistence loses it.
   */
  stop(): Promise<void>;
  /** Starts it again on the same address. */
  start(): Promise<void>;
  /** What a send's error says while the backend is down. */
  readonly unreachable?: RegExp;
  /**
   * The instance keeps every stored message across `stop()` and `start()` (PostgreSQL; Redis
   * with an append-only file). Enables the test of a restart in the middle of a run, which
   * counts what was lost and handled twice.
   */
  readonly keepsData?: boolean;
}

/**
 * How a transport package runs the process-level suite: where worker processes find its factory,
 * fresh queues per test, and the optional hooks that enable the tests of broken connections and
 * of a backend restart.
 */
export interface ProcessConformanceSetup<Q extends ProcessConformanceQueues = ProcessConformanceQueues> {
  /** The transport factory, loaded by the worker processes and by the test process alike. */
  readonly factory: TransportFactoryModule;
  /** Fresh, empty queues for one test; `test` is a short name to tell them apart. */
  queues(test: string): Promise<Q>;
  /**
   * Kills the backend connections the worker process `pid` holds on `queues` (PostgreSQL:
   * pg_terminate_backend; Redis: CLIENT KILL); returns how many it killed. Enables the
   * killed-connections test.
   */
  readonly killConnections?: (queues: Q, pid: number) => Promise<number>;
  /** A backend the suite may restart. Enables the restart test. */
  readonly restartable?: RestartableBackend<Q>;
}

/** How hard the suite works the transport. */
export interface ProcessConformanceOptions {
  /** Worker processes of the drain test. @defaultValue 4 */
  readonly workers?: number;
  /** Messages they drain. @defaultValue 3000 */
  readonly messages?: number;
  /**
   * The drain test also expects that no worker logged an error (a deadlock, a lock wait timeout, a
   * failed acknowledgement): for a backend whose concurrent claims are known to fail that way
   * elsewhere (Symfony's Doctrine transport on MySQL). @defaultValue false
   */
  readonly quietDrain?: boolean;
  /** Concurrency of each draining worker. @defaultValue 8 */
  readonly concurrency?: number;
  /** Messages of the killed-connections test. @defaultValue 6000 */
  readonly messagesUnderKills?: number;
  /**
   * The redelivery timeout of the killed-connections test, in ms. By default the transport's own,
   * so an acknowledgement lost with a killed connection shows as a message still stored 10 s after
   * the last was handled. Set it when the transport does not retry such an acknowledgement: the
   * message then comes back after this timeout and must be acknowledged then.
   */
  readonly redeliveryUnderKills?: number;
  /** Messages of the test of a restart in the middle of a run. @defaultValue 2000 */
  readonly messagesUnderRestart?: number;
  /**
   * The backend gives a dead worker's messages to another one as soon as its connection drops
   * (AMQP), instead of after a redelivery timeout: the SIGKILL test then expects the job handled
   * within seconds of the kill. @defaultValue false
   */
  readonly redeliversOnDisconnect?: boolean;
  /** The short redelivery timeout of the crash tests, in ms. @defaultValue 2000 */
  readonly redeliveryTimeout?: number;
  /**
   * The most messages one worker process holds at concurrency `concurrency`: in handlers, fetched
   * and not started yet, or handled with the acknowledgement not written yet. A fault can make
   * them run again, so it is the bound of duplicates per worker of the restart test.
   * @defaultValue concurrency: only the messages in handlers
   */
  readonly heldPerWorker?: (concurrency: number) => number;
}
