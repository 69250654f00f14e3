/**
 * Coalesces calls that arrive close together into one statement: the first call schedules a run
 * on the next turn of the event loop, and calls made while a run is in flight wait for it and go
 * into the next one together (group commit). With concurrent handlers that turns N acks into a
 * few `DELETE … WHERE id = ANY($1)` instead of N round trips.
 *
 * Every caller's promise settles with its own statement: nothing is reported done before the
 * statement holding it committed, and a failed statement rejects every caller in it.
 */
export class StatementBatcher<T> {
  readonly #run: (items: readonly T[]) => Promise<void>;
  #items: T[] = [];
  #resolves: (() => void)[] = [];
  #rejects: ((error: unknown) => void)[] = [];
  #scheduled = false;
  #running: Promise<void> | undefined;

  constructor(run: (items: readonly T[]) => Promise<void>) {
    this.#run = run;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#items.push(item);
      this.#resolves.push(resolve);
      this.#rejects.push(reject);
      if (!this.#scheduled && !this.#running) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /** Resolves once every item added so far went through a statement (succeeded or not). */
  async drain(): Promise<void> {
    while (this.#running || this.#scheduled || this.#items.length > 0) {
      if (!this.#running && !this.#scheduled) await this.#flush();
      else await (this.#running ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    while (this.#items.length > 0) {
      const items = this.#items;
      const resolves = this.#resolves;
      const rejects = this.#rejects;
      this.#items = [];
      this.#resolves = [];
      this.#rejects = [];
      this.#running = this.#run(items).then(
        () => {
          for (const resolve of resolves) resolve();
        },
        (error: unknown) => {
          for (const reject of rejects) reject(error);
        },
      );
      await this.#running;
      this.#running = undefined;
    }
  }
}
