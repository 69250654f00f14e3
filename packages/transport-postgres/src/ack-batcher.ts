import type { PendingRemoval } from "@messenger-ts/core/transport";

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

/**
 * The acknowledgements of one transport, batched as core's PerTickBatcher does (what one turn of
 * the event loop collects goes out as one DELETE, one at a time, and what arrives meanwhile goes
 * out as soon as it ends), with one addition: a statement sent before the turn ends may carry the
 * acks collected so far instead (`sendWith`). An idle worker acknowledges a message and asks for
 * the next in the same turn; carried by that claim, the ack goes out no later than it would have
 * on its own, and the worker sends one statement instead of two. Every ack of a batch gets the
 * batch's one promise, settled only once the statement that held it succeeded or failed.
 */
export class AckBatcher {
  readonly #flush: (removals: PendingRemoval[]) => Promise<void>;
  #items: PendingRemoval[] = [];
  #next: Outcome | undefined;
  #scheduled = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(flush: (removals: PendingRemoval[]) => Promise<void>) {
    this.#flush = flush;
  }

  /** Acks collected and not yet sent. */
  get pending(): number {
    return this.#items.length;
  }

  add(removal: PendingRemoval): Promise<void> {
    this.#items.push(removal);
    this.#next ??= outcome();
    const next = this.#next;
    if (!this.#scheduled && this.#inFlight.size === 0) {
      this.#scheduled = true;
      setImmediate(this.#onTick);
    }
    return next.promise;
  }

  /**
   * Hands the acks collected so far to `send`, whose promise then settles them (it must settle
   * only once they are done or have failed for good). Does nothing without pending acks.
   */
  sendWith(send: (removals: PendingRemoval[]) => Promise<void>): void {
    if (this.#items.length === 0) return;
    this.#send(send);
  }

  /** Resolves once every ack added so far went through a statement (successfully or not); never rejects. */
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
    if (this.#items.length === 0 || this.#inFlight.size > 0) return;
    this.#send(this.#flush);
  }

  #send(send: (removals: PendingRemoval[]) => Promise<void>): void {
    const items = this.#items;
    const done = this.#next!;
    this.#items = [];
    this.#next = undefined;
    let result: Promise<void>;
    try {
      result = send(items);
    } catch (error) {
      result = Promise.reject(error);
    }
    const settled: Promise<void> = result.then(done.resolve, done.reject).then(() => {
      this.#inFlight.delete(settled);
      // Group commit: what arrived during this statement goes out now, not a turn later.
      this.#flushNow();
    });
    this.#inFlight.add(settled);
  }
}
