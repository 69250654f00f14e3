/**
 * Coalesces calls that arrive close together into one statement: the first call schedules a run
 * on the next turn of the event loop, and calls made while a run is in flight wait for it and go
 * into the next one together (group commit). With concurrent handlers that turns N acks into a
 * few `DELETE … WHERE id = ANY($1)` instead of N round trips.
 *
 * Every caller's promise settles with its own statement: nothing is reported done before the
 * statement holding it committed, and a failed statement rejects every caller in it. The callers
 * of one statement share one promise (a promise per call cost more than the call's share of the
 * statement).
 */
export class StatementBatcher<T> {
  readonly #run: (items: readonly T[]) => Promise<void>;
  #items: T[] = [];
  /** Settles when the statement holding `#items` has run; created with the first of them. */
  #next: Outcome | undefined;
  #scheduled = false;
  #running: Promise<void> | undefined;

  constructor(run: (items: readonly T[]) => Promise<void>) {
    this.#run = run;
  }

  add(item: T): Promise<void> {
    this.#items.push(item);
    this.#next ??= outcome();
    if (!this.#scheduled && !this.#running) {
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    }
    return this.#next.promise;
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
      const done = this.#next!;
      this.#items = [];
      this.#next = undefined;
      this.#running = this.#run(items).then(done.resolve, done.reject);
      await this.#running;
      this.#running = undefined;
    }
  }
}

interface Outcome {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function outcome(): Outcome {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
