/**
 * Collects items during one turn of the event loop and flushes them with one call: a worker that
 * finishes several messages at once acknowledges them in one script. Every caller of a turn gets
 * that flush's promise, so nothing is reported done before the call holding it succeeded, and a
 * failed call rejects each of them.
 */
export class PerTickBatch<T, R = void> {
  readonly #flush: (items: T[]) => Promise<R>;
  #items: T[] = [];
  #done: Promise<R> | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(flush: (items: T[]) => Promise<R>) {
    this.#flush = flush;
  }

  add(item: T): Promise<R> {
    this.#items.push(item);
    if (!this.#done) {
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        const items = this.#items;
        this.#items = [];
        this.#done = undefined;
        return this.#flush(items);
      });
      this.#done = done;
      const settled: Promise<unknown> = done.then(
        () => this.#inFlight.delete(settled),
        () => this.#inFlight.delete(settled),
      );
      this.#inFlight.add(settled);
    }
    return this.#done;
  }

  /** Resolves once every item added so far was flushed (successfully or not). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}
