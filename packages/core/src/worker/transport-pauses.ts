import type { Receiver } from "../transport/receiver.js";
import { isTransportPauseStore, type TransportPauseStore } from "./transport-pause-store.js";

/** What one look at the stores changed, for the worker to log and announce. */
export interface PauseChanges {
  readonly paused: readonly string[];
  readonly resumed: readonly string[];
}

const NO_CHANGES: PauseChanges = { paused: [], resumed: [] };

/** What one look found: the paused transports each store named (a store that failed is left out). */
export type PauseReadings = ReadonlyMap<readonly string[], ReadonlySet<string>>;

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

  /** Whether the last look is older than the check interval: `read()` would read the stores. */
  isDue(now: number): boolean {
    return this.#lastCheck === undefined || now - this.#lastCheck >= this.#checkInterval;
  }

  /**
   * Reads the stores when the last look is older than the check interval, and applies what they
   * say at once. A store that cannot be read keeps its transports as they were: an outage neither
   * pauses nor resumes anything.
   */
  async refresh(now: number, onError: (error: unknown) => void): Promise<PauseChanges> {
    const readings = await this.read(now, onError);
    return readings ? this.apply(readings) : NO_CHANGES;
  }

  /**
   * The paused transports each store named, when the look is due (undefined when not); nothing
   * changes until they are given to `apply()`, so the worker decides when a change takes effect.
   */
  async read(now: number, onError: (error: unknown) => void): Promise<PauseReadings | undefined> {
    if (!this.isDue(now)) return undefined;
    this.#lastCheck = now;
    const readings = new Map<readonly string[], ReadonlySet<string>>();
    await Promise.all(
      [...this.#stores].map(async ([store, names]) => {
        try {
          readings.set(names, new Set(await store.getPausedTransports()));
        } catch (error) {
          onError(error);
        }
      }),
    );
    return readings;
  }

  /** Takes on what `read()` found; returns what changed. */
  apply(readings: PauseReadings): PauseChanges {
    const paused: string[] = [];
    const resumed: string[] = [];
    for (const [names, current] of readings) {
      for (const name of names) {
        if (current.has(name) && !this.#paused.has(name)) {
          this.#paused.add(name);
          paused.push(name);
        } else if (!current.has(name) && this.#paused.has(name)) {
          this.#paused.delete(name);
          resumed.push(name);
        }
      }
    }
    return paused.length === 0 && resumed.length === 0 ? NO_CHANGES : { paused, resumed };
  }
}
