/**
 * Where `messenger:pause` and `messenger:resume` leave the paused transports, and where running
 * workers look for them. Durable transports implement it on their own backend (a table, a Redis
 * set), like the restart signal, so a pause reaches every worker consuming the transport wherever
 * it runs. The state is kept by transport name: the name the console and the worker use.
 */
export interface TransportPauseStore {
  /** Marks the transport paused; pausing a paused transport changes nothing. */
  pauseTransport(transportName: string): Promise<void>;
  /** Takes the pause away; resuming a running transport changes nothing. */
  resumeTransport(transportName: string): Promise<void>;
  /** The names of the paused transports this store holds (transports of other names included). */
  getPausedTransports(): Promise<readonly string[]>;
}

export function isTransportPauseStore(value: unknown): value is TransportPauseStore {
  const candidate = value as Partial<TransportPauseStore> | null;
  return (
    typeof candidate?.pauseTransport === "function" &&
    typeof candidate.resumeTransport === "function" &&
    typeof candidate.getPausedTransports === "function"
  );
}

/** A store for one process (the in-memory transport, tests). */
export class InMemoryTransportPauseStore implements TransportPauseStore {
  readonly #paused = new Set<string>();

  async pauseTransport(transportName: string): Promise<void> {
    this.#paused.add(transportName);
  }

  async resumeTransport(transportName: string): Promise<void> {
    this.#paused.delete(transportName);
  }

  async getPausedTransports(): Promise<readonly string[]> {
    return [...this.#paused];
  }
}
