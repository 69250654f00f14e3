/**
 * Where `messenger:stop-workers` leaves its signal and running workers look for it. Durable
 * transports implement it on their own backend (a table row, a Redis key), so the signal reaches
 * workers on other machines.
 */
export interface RestartSignalStore {
  /** Records that every worker started before `at` (clock milliseconds) must stop. */
  requestRestart(at: number): Promise<void>;
  /** The time of the latest restart request, or null when there was none. */
  getRestartRequestedAt(): Promise<number | null>;
}

export function isRestartSignalStore(value: unknown): value is RestartSignalStore {
  const candidate = value as Partial<RestartSignalStore> | null;
  return (
    typeof candidate?.requestRestart === "function" && typeof candidate.getRestartRequestedAt === "function"
  );
}

/** A store for one process (tests, in-memory setups). */
export class InMemoryRestartSignalStore implements RestartSignalStore {
  #at: number | null = null;

  async requestRestart(at: number): Promise<void> {
    this.#at = at;
  }

  async getRestartRequestedAt(): Promise<number | null> {
    return this.#at;
  }
}
