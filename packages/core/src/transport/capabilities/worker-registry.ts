import { type Clock, systemClock } from "../../clock/clock.js";

/**
 * What a running worker tells about itself in each heartbeat (`messenger:workers` shows it).
 * Times are epoch milliseconds of the worker's clock; counts are since the worker started.
 */
export interface WorkerHeartbeat {
  /** Unique per worker process run: host, pid and a random part. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** The transports the worker consumes, in priority order. */
  readonly transports: readonly string[];
  readonly concurrency: number;
  /** Messages handled successfully. */
  readonly handled: number;
  /** Messages whose handling failed (retried or sent to the failure transport included). */
  readonly failed: number;
  /** Resident set size of the process, in bytes. */
  readonly memory: number;
  readonly startedAt: number;
  /** When this heartbeat was sent. */
  readonly lastSeenAt: number;
}

/**
 * Where workers publish their heartbeats, on the transport's own backend (a table, Redis keys),
 * so that `messenger:workers` on any machine lists the workers alive on every machine. A record
 * not beaten again within its `ttl` is gone: `listWorkers()` leaves it out (and deletes it when it can),
 * so a worker killed without a chance to `removeWorker()` itself disappears after the timeout.
 */
export interface WorkerRegistry {
  /** Records or replaces the worker's heartbeat, alive for `ttl` milliseconds from now. */
  beatWorker(heartbeat: WorkerHeartbeat, ttl: number): Promise<void>;
  /** The live workers, oldest start first. Never creates the store: a missing one lists none. */
  listWorkers(): Promise<WorkerHeartbeat[]>;
  /** Forgets a worker at once (a clean stop); an unknown id is no error. */
  removeWorker(id: string): Promise<void>;
}

export function isWorkerRegistry(value: unknown): value is WorkerRegistry {
  const candidate = value as Partial<WorkerRegistry> | null;
  return (
    typeof candidate?.beatWorker === "function" &&
    typeof candidate.listWorkers === "function" &&
    typeof candidate.removeWorker === "function"
  );
}

/** Oldest start first, then by id: the order every registry lists in (and `messenger:workers` shows). */
export function compareWorkerHeartbeats(a: WorkerHeartbeat, b: WorkerHeartbeat): number {
  return a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A registry for one process (the in-memory transport, tests). */
export class InMemoryWorkerRegistry implements WorkerRegistry {
  readonly #records = new Map<string, { heartbeat: WorkerHeartbeat; expiresAt: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  async beatWorker(heartbeat: WorkerHeartbeat, ttl: number): Promise<void> {
    this.#records.set(heartbeat.id, { heartbeat: { ...heartbeat }, expiresAt: this.#clock.now() + ttl });
  }

  async listWorkers(): Promise<WorkerHeartbeat[]> {
    const now = this.#clock.now();
    const live: WorkerHeartbeat[] = [];
    for (const [id, { heartbeat, expiresAt }] of this.#records) {
      if (expiresAt <= now) this.#records.delete(id);
      else live.push(heartbeat);
    }
    return live.sort(compareWorkerHeartbeats);
  }

  async removeWorker(id: string): Promise<void> {
    this.#records.delete(id);
  }
}
