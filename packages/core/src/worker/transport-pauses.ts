import type { Receiver } from "../transport/receiver.js";
import { isTransportPauseStore, type TransportPauseStore } from "./transport-pause-store.js";

/** What one look at the stores changed, for the worker to log and announce. */
export interface PauseChanges {
  readonly paused: readonly string[];
  readonly resumed: readonly string[];
}

const NO_CHANGES: PauseChanges = { paused: [], resumed: [] };

/**
 * The worker's view of which of its transports are paused. The stores are a table or a Redis
 * key, and a busy worker starts a round per fetched batch: they are read at most once per
 * `checkInterval`, one read per store (transports on one table share it).
 */
export class TransportPauses {
  /** Store → the names of the worker's transports it answers for. */
  readonly #stores = new Map<TransportPauseStore, string[]>();
  readonly #checkInterval: number;
  readonly #paused = new Set<string>();
  #lastCheck: number | undefined;

  constructor(receivers: ReadonlyMap<string, Receiver>, checkInterval: number) {
    for (const [name, receiver] of receivers) {
      if (!isTransportPauseStore(receiver)) continue;
      const names = this.#stores.get(receiver) ?? [];
      names.push(name);
      this.#stores.set(receiver, names);
    }
    this.#checkInterval = checkInterval;
  }

  get enabled(): boolean {
    return this.#stores.size > 0;
  }

  isPaused(name: string): boolean {
    return this.#paused.has(name);
  }

  /** Whether the last look is older than the check interval: `refresh()` would read the stores. */
  isDue(now: number): boolean {
    return this.#lastCheck === undefined || now - this.#lastCheck >= this.#checkInterval;
  }

  /**
   * Reads the stores when the last look is older than the check interval. A store that cannot be
   * read keeps its transports as they were: an outage neither pauses nor resumes anything.
   */
  async refresh(now: number, onError: (error: unknown) => void): Promise<PauseChanges> {
    if (!this.isDue(now)) return NO_CHANGES;
    this.#lastCheck = now;
    const paused: string[] = [];
    const resumed: string[] = [];
    await Promise.all(
      [...this.#stores].map(async ([store, names]) => {
        let current: ReadonlySet<string>;
        try {
          current = new Set(await store.getPausedTransports());
        } catch (error) {
          onError(error);
          return;
        }
        for (const name of names) {
          if (current.has(name) && !this.#paused.has(name)) {
            this.#paused.add(name);
            paused.push(name);
          } else if (!current.has(name) && this.#paused.has(name)) {
            this.#paused.delete(name);
            resumed.push(name);
          }
        }
      }),
    );
    return paused.length === 0 && resumed.length === 0 ? NO_CHANGES : { paused, resumed };
  }
}
