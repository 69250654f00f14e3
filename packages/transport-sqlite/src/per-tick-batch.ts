/**
 * Collects ids during one turn of the event loop and runs one statement for all of them: a worker
 * that finishes several messages at once acknowledges them with one DELETE.
 */
export class PerTickBatch {
  readonly #flush: (ids: number[]) => Promise<void>;
  #ids: number[] = [];
  #done: Promise<void> | undefined;

  constructor(flush: (ids: number[]) => Promise<void>) {
    this.#flush = flush;
  }

  get pending(): Promise<void> | undefined {
    return this.#done;
  }

  add(id: number): Promise<void> {
    this.#ids.push(id);
    this.#done ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const ids = this.#ids;
      this.#ids = [];
      this.#done = undefined;
      return this.#flush(ids);
    });
    return this.#done;
  }
}
