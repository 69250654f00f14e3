import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type Clock, systemClock } from "../clock/clock.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import {
  isThroughputStore,
  THROUGHPUT_RETENTION,
  type ThroughputBucket,
  throughputMinute,
} from "../transport/capabilities/throughput-store.js";
import type { WorkerHeartbeat, WorkerRegistry } from "../transport/capabilities/worker-registry.js";
import { WorkerMessageFailedEvent } from "../worker/events/worker-message-failed-event.js";
import { WorkerMessageHandledEvent } from "../worker/events/worker-message-handled-event.js";
import { WorkerStartedEvent } from "../worker/events/worker-started-event.js";
import { WorkerStoppedEvent } from "../worker/events/worker-stopped-event.js";
import type { WorkerListener } from "./worker-listener.js";

/** Ten seconds: `messenger:workers` is a status view, not a liveness probe; a beat is one upsert. */
export const DEFAULT_HEARTBEAT_INTERVAL = 10_000;

/** Missed beats after which a worker counts as gone. */
export const HEARTBEAT_TIMEOUT_BEATS = 3;

export interface WorkerHeartbeatListenerOptions {
  /** Milliseconds between two heartbeats. @defaultValue 10000 */
  readonly interval?: number;
  /**
   * Milliseconds after the last heartbeat at which the worker counts as gone (killed, frozen,
   * cut off). More than `interval`. @defaultValue 3 × interval
   */
  readonly timeout?: number;
  /** What the heartbeat reports as the worker's concurrency. @defaultValue 1 */
  readonly concurrency?: number;
  /** @defaultValue systemClock */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * Publishes the worker's heartbeat into registries (the consumed transports that are one): at
 * start, every `interval` while it runs, and removes it at a clean stop. A heartbeat is status,
 * not work: a failed one is logged (once per outage of a registry) and never reaches handling.
 *
 * A registry that is a `ThroughputStore` too also gets, with each beat, the messages its
 * transport handled and failed per minute since the last beat (the dashboard's chart): counted
 * in memory between beats, so handling costs no round trip, and kept for the next beat when a
 * write fails (up to the store's retention), so an outage loses no counts.
 */
export class WorkerHeartbeatListener implements WorkerListener {
  readonly #registries: ReadonlyMap<string, WorkerRegistry>;
  readonly #interval: number;
  readonly #timeout: number;
  readonly #concurrency: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #failing = new Set<string>();
  readonly id: string;
  #transports: readonly string[] = [];
  #startedAt = 0;
  #handled = 0;
  #failed = 0;
  /** Counts not written yet: transport → minute → counts. */
  readonly #throughput = new Map<string, Map<number, { handled: number; failed: number }>>();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #stopped = false;

  constructor(registries: ReadonlyMap<string, WorkerRegistry>, options: WorkerHeartbeatListenerOptions = {}) {
    const interval = options.interval ?? DEFAULT_HEARTBEAT_INTERVAL;
    if (typeof interval !== "number" || !Number.isFinite(interval) || interval <= 0) {
      throw new InvalidArgumentError(
        `The heartbeat interval must be a number of milliseconds > 0, got ${String(interval)}.`,
        { code: "INVALID_WORKER_OPTION" },
      );
    }
    const timeout = options.timeout ?? interval * HEARTBEAT_TIMEOUT_BEATS;
    if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= interval) {
      throw new InvalidArgumentError(
        `The heartbeat timeout must be a number of milliseconds greater than the interval (${interval}), got ${String(timeout)}.`,
        { code: "INVALID_WORKER_OPTION" },
      );
    }
    this.#registries = registries;
    this.#interval = interval;
    this.#timeout = Math.ceil(timeout);
    this.#concurrency = options.concurrency ?? 1;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.id = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  }

  get interval(): number {
    return this.#interval;
  }

  get timeout(): number {
    return this.#timeout;
  }

  register(events: EventDispatcher): () => void {
    const offs = [
      events.on(WorkerStartedEvent, (event) => this.#onStarted(event)),
      events.on(WorkerMessageHandledEvent, (event) => {
        this.#handled++;
        this.#count(event.receiverName, "handled", 1);
      }),
      events.on(WorkerMessageFailedEvent, (event) => {
        this.#failed++;
        this.#count(event.receiverName, "failed", 1);
      }),
      events.on(WorkerStoppedEvent, () => this.stop()),
    ];
    return () => {
      for (const off of offs) off();
      this.#clearTimer();
    };
  }

  /** The heartbeat as it would be sent now. */
  heartbeat(): WorkerHeartbeat {
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      transports: this.#transports,
      concurrency: this.#concurrency,
      handled: this.#handled,
      failed: this.#failed,
      memory: process.memoryUsage.rss(),
      startedAt: this.#startedAt,
      lastSeenAt: this.#clock.now(),
    };
  }

  /** Sends one heartbeat to every registry; a beat still on its way is not doubled. */
  beat(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#beating ??= this.#beatAll().finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  /** Stops beating and removes the worker's record, so it leaves the list at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    await this.#beating;
    // The counts since the last beat: the chart would miss the last seconds of a stopped worker.
    await this.#flushThroughput();
    await Promise.all(
      [...this.#registries].map(async ([name, registry]) => {
        try {
          await registry.removeWorker(this.id);
        } catch (error) {
          this.#logger.warn(
            { transport: name, worker: this.id, error },
            "Could not remove the worker's heartbeat; it disappears after its timeout",
          );
        }
      }),
    );
  }

  #onStarted(event: WorkerStartedEvent): void {
    this.#transports = event.worker.metadata.transportNames;
    this.#startedAt = event.worker.metadata.startedAt;
    this.#stopped = false;
    // Not awaited: a backend slow to answer must not hold the worker's start.
    void this.beat();
    this.#clearTimer();
    this.#timer = setInterval(() => void this.beat(), this.#interval);
    this.#timer.unref();
  }

  async #beatAll(): Promise<void> {
    const heartbeat = this.heartbeat();
    await Promise.all([this.#beatRegistries(heartbeat), this.#flushThroughput()]);
  }

  async #beatRegistries(heartbeat: WorkerHeartbeat): Promise<void> {
    await Promise.all(
      [...this.#registries].map(async ([name, registry]) => {
        try {
          await registry.beatWorker(heartbeat, this.#timeout);
          if (this.#failing.delete(name)) {
            this.#logger.info({ transport: name, worker: this.id }, "Worker heartbeat published again");
          }
        } catch (error) {
          if (this.#failing.has(name)) return;
          this.#failing.add(name);
          this.#logger.warn(
            { transport: name, worker: this.id, error },
            "Could not publish the worker heartbeat; messenger:workers may not list this worker",
          );
        }
      }),
    );
  }

  /** Adds to the transport's count of this minute, when its registry keeps throughput. */
  #count(
    transport: string,
    field: "handled" | "failed",
    amount: number,
    minute = throughputMinute(this.#clock.now()),
  ): void {
    if (!isThroughputStore(this.#registries.get(transport))) return;
    const minutes = this.#throughput.get(transport) ?? new Map<number, { handled: number; failed: number }>();
    this.#throughput.set(transport, minutes);
    const counts = minutes.get(minute) ?? { handled: 0, failed: 0 };
    minutes.set(minute, counts);
    counts[field] += amount;
  }

  /** Writes the pending counts, each transport's into its own store; a failed write is kept for later. */
  async #flushThroughput(): Promise<void> {
    const pending = [...this.#throughput];
    this.#throughput.clear();
    await Promise.all(
      pending.map(async ([transport, minutes]) => {
        const store = this.#registries.get(transport);
        if (!isThroughputStore(store)) return;
        const buckets: ThroughputBucket[] = [...minutes].map(([minute, counts]) => ({
          transport,
          minute,
          handled: counts.handled,
          failed: counts.failed,
        }));
        const now = this.#clock.now();
        try {
          await store.recordThroughput(buckets, now);
        } catch (error) {
          // Kept for the next beat, unless older than the store keeps anyway.
          for (const bucket of buckets) {
            if (bucket.minute < now - THROUGHPUT_RETENTION) continue;
            this.#count(transport, "handled", bucket.handled, bucket.minute);
            this.#count(transport, "failed", bucket.failed, bucket.minute);
          }
          this.#logger.debug(
            { transport, worker: this.id, error },
            "Could not record the worker's throughput; it is tried again with the next heartbeat",
          );
        }
      }),
    );
  }

  #clearTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
