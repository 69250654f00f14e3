/** Options of {@link PerTickBatcher}. */
export interface PerTickBatcherOptions {
  /**
   * false (the default): one flush at a time; items added while one runs go together into the
   * next, started as soon as it ends (group commit: right for SQL statements on a pool).
   * true: every turn of the event loop flushes what it collected at once, even while earlier
   * flushes run (right for a pipelined connection such as Redis's, where waiting adds latency).
   */
  readonly overlap?: boolean;
}

interface Outcome<R> {
  readonly promise: Promise<R>;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

function outcome<R>(): Outcome<R> {
  let resolve!: (value: R) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<R>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Collects items during one turn of the event loop and flushes them with one call: a worker that
 * finishes several messages at once acknowledges them with one statement or script. Every caller
 * of a flush gets that flush's promise (one shared promise: a promise per item cost more than the
 * item's share of the flush), so nothing is reported done before the call holding it succeeded,
 * and a failed call rejects each of them.
 */
export class PerTickBatcher<T, R = void> {
  readonly #flush: (items: T[]) => Promise<R>;
  readonly #overlap: boolean;
  #items: T[] = [];
  /** Settles with the flush that will hold `#items`; created with the first of them. */
  #next: Outcome<R> | undefined;
  #scheduled = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(flush: (items: T[]) => Promise<R>, options: PerTickBatcherOptions = {}) {
    this.#flush = flush;
    this.#overlap = options.overlap ?? false;
  }

  add(item: T): Promise<R> {
    this.#items.push(item);
    this.#next ??= outcome<R>();
    const next = this.#next;
    if (!this.#scheduled && (this.#overlap || this.#inFlight.size === 0)) {
      this.#scheduled = true;
      setImmediate(this.#onTick);
    }
    return next.promise;
  }

  /** Items collected and not yet flushed. */
  get pending(): number {
    return this.#items.length;
  }

  /**
   * Hands the items collected so far to `send` instead of the flush, whose promise then settles
   * them as the flush's would: a statement the caller sends anyway may carry them (a claim carrying
   * the acks of the same turn) and they go out no later than on their own. Nothing without items.
   */
  sendWith(send: (items: T[]) => Promise<R>): void {
    if (this.#items.length === 0) return;
    this.#send(send);
  }

  /** Resolves once every item added so far went through a flush (successfully or not); never rejects. */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#inFlight.size > 0 || this.#items.length > 0) {
      if (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
      else if (this.#scheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      else this.#flushNow();
    }
  }

  readonly #onTick = (): void => {
    this.#scheduled = false;
    this.#flushNow();
  };

  #flushNow(): void {
    if (this.#items.length === 0 || (!this.#overlap && this.#inFlight.size > 0)) return;
    this.#send(this.#flush);
  }

  #send(send: (items: T[]) => Promise<R>): void {
    const items = this.#items;
    const done = this.#next!;
    this.#items = [];
    this.#next = undefined;
    let result: Promise<R>;
    try {
      result = send(items);
    } catch (error) {
      result = Promise.reject(error);
    }
    const settled: Promise<void> = result.then(done.resolve, done.reject).then(() => {
      this.#inFlight.delete(settled);
      // Group commit: what arrived during this flush goes out now, not a turn later.
      if (!this.#overlap) this.#flushNow();
    });
    this.#inFlight.add(settled);
  }
}
