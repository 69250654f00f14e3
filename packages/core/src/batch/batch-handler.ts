import { Acknowledger } from "./acknowledger.js";

const BATCH_HANDLER = Symbol.for("messenger-ts.batch-handler");

/**
 * The batch handler contract. Consumed by a worker, `handle` gets an acknowledger and returns the
 * number of messages it is holding; it acknowledges each one later, when it processes the batch.
 * Dispatched synchronously (no worker), it gets no acknowledger and must handle the message at
 * once. `flush(force)` processes what is held (on idle, on stop, and on a timer while busy).
 */
export interface BatchHandler<M extends object = object> {
  readonly [BATCH_HANDLER]: true;
  handle(message: M, ack?: Acknowledger): unknown;
  flush(force: boolean): Promise<void>;
}

export function isBatchHandler(value: unknown): value is BatchHandler {
  return (value as Partial<BatchHandler> | null)?.[BATCH_HANDLER] === true;
}

/** One collected message and its acknowledger. */
export type BatchJob<M> = readonly [message: M, ack: Acknowledger];

/**
 * Symfony's BatchHandlerTrait as a base class: collects messages until `batchSize` are held,
 * then calls `process` with all of them. Subclasses implement `process` and acknowledge every job.
 *
 * @example
 * ```ts
 * class SendEmails extends AbstractBatchHandler<SendEmail> {
 *   @AsMessageHandler() handle(message: SendEmail, ack?: Acknowledger) { return super.handle(message, ack); }
 *   protected async process(jobs) { await mailer.sendMany(jobs.map(([m]) => m)); for (const [, ack] of jobs) ack.ack(); }
 * }
 * ```
 */
export abstract class AbstractBatchHandler<M extends object, R = unknown> implements BatchHandler<M> {
  readonly [BATCH_HANDLER] = true as const;
  #jobs: BatchJob<M>[] = [];

  /** How many messages make a batch. @defaultValue 10 */
  protected get batchSize(): number {
    return 10;
  }

  async handle(message: M, ack?: Acknowledger): Promise<number | R> {
    if (!ack) {
      // Synchronous dispatch: a batch of one, its result returned to the caller.
      const single = new Acknowledger(this.constructor.name);
      await this.process([[message, single]]);
      if (single.error) throw single.error;
      return single.result as R;
    }
    this.#jobs.push([message, ack]);
    if (this.#jobs.length >= this.batchSize) {
      await this.flush(true);
      return 0;
    }
    return this.#jobs.length;
  }

  async flush(_force: boolean): Promise<void> {
    const jobs = this.#jobs;
    this.#jobs = [];
    if (jobs.length > 0) await this.process(jobs);
  }

  /** Handles the collected messages; must call `ack` or `nack` on each job's acknowledger. */
  protected abstract process(jobs: readonly BatchJob<M>[]): Promise<void>;
}
