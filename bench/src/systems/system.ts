// One shape for every system the side-by-side scenarios compare: the peers (graphile-worker,
// pg-boss, BullMQ, plain amqplib) and messenger-ts over each of its transports. The runner process produces
// through `openProducer`; a worker child process (see ../workers/) consumes through
// `openConsumer`, so producer, worker and database share the machine as they would in production.

export type Backend = "postgres" | "mysql" | "redis" | "amqp" | "sqlite" | "memory";

/** The payload of every benchmark job. */
export interface Job {
  readonly id: number;
  /** Wall-clock ms just before the enqueue call (latency scenario). */
  readonly sentAt?: number;
  /** The handler throws for this job (retry scenario). */
  readonly fail?: boolean;
  /** A body to carry (payload scenario): a JSON text, stored and decoded like any other field. */
  readonly body?: string;
}

/**
 * Every system is configured for the same failure policy: 2 retries (3 attempts) with the
 * shortest delay it allows, then its failed / dead state.
 */
export const RETRIES = 2;
export const RETRY_DELAY_MS = 100;

export interface System {
  /** As used with `--only` and in the tables, e.g. "graphile-worker". */
  readonly name: string;
  readonly backend: Backend;
  /** A peer library (true) or messenger-ts (false). */
  readonly peer: boolean;
  /**
   * A variant of a peer, measured to explain a figure (divided by the best peer like messenger-ts,
   * but no peer itself and judged against no target), e.g. plain amqplib publishing as
   * messenger-amqp does.
   */
  readonly variant?: boolean;
  /** Version and the settings that matter for the figures. */
  readonly settings: string;
  /**
   * The worker runs inside the runner process instead of a child process: the in-memory
   * transport cannot be shared between processes.
   */
  readonly inProcess?: boolean;
  /** Why the system cannot run here (library missing or incomplete, backend down), or undefined. */
  probe(): Promise<string | undefined>;
  /** Loads the system's library without touching the backend, so a consumer opened next starts sooner. */
  preload?(): Promise<void>;
  /** Removes everything the system stored: its database, keys or file. Runs before and after each measurement. */
  clean(): Promise<void>;
  /**
   * Has the store write out what was just stored in bulk and refresh its statistics (PostgreSQL:
   * `CHECKPOINT` and `VACUUM ANALYZE`), as a store that has held a long queue for a while has. Absent
   * where there is nothing to wait for.
   */
  settle?(): Promise<void>;
  /** The producer side. Resolves once the store is set up (schema, queue), empty. */
  openProducer(): Promise<Producer>;
  /** The consumer side: a worker with `concurrency` handlers at once, running when this resolves. */
  openConsumer(options: ConsumerOptions): Promise<Consumer>;
}

export interface Producer {
  /** Stores one job; resolves when the system says it is stored. */
  enqueue(job: Job): Promise<void>;
  /** Stores many jobs in one call of the system's bulk API. */
  enqueueBulk(jobs: readonly Job[]): Promise<void>;
  /**
   * Jobs in the store not yet completed (waiting, active or due for retry). Absent when the store
   * cannot tell claimed from acknowledged; the worker then reports its acknowledgements itself.
   */
  pending?(): Promise<number>;
  /** Whether a job reached the system's failed / dead state (or its failure transport). */
  hasFailed(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  readonly concurrency: number;
  /**
   * Called first thing in every handler call, with the job's payload; throws for a failing job.
   * Returns a promise when the handler does I/O (io-handler scenario): the system's handler awaits it.
   */
  readonly handle: (job: Job) => void | Promise<void>;
  /** Called when the store confirmed one job's acknowledgement (systems without `pending()`). */
  readonly acked?: () => void;
}

export interface Consumer {
  /** Stops taking jobs, finishes those in hand and closes the connections. */
  stop(): Promise<void>;
}

/** Every system's handler body: records the call, then fails when the job says so. */
export function failIfAsked(job: Job): void {
  if (job.fail) throw new Error(`bench: job ${job.id} fails on purpose`);
}
